//! CloudFormation awareness for sagerules: a template is judged by every value each security
//! property can take when the stack is deployed.
//!
//! Why a crate of its own: the core language knows nothing of CloudFormation, and the CLI
//! should only read files and render. This crate sits between them: it expands intrinsics and
//! parameters ([`CfnExpander`]), turns inline SageMaker pipeline steps into job resources,
//! follows Service Catalog products and nested stacks to their local templates, and applies
//! `Metadata.sagerules.suppress`. It does no I/O: files are read through the caller's
//! [`FileReader`].
//!
//! ```
//! use sagerules_cfn::CfnExpander;
//! use sagerules_core::{Expander, Expansion};
//! use sagerules_data::{load, Format};
//!
//! let template = load(b"Parameters:\n  Internet: {Type: String, Default: Disabled}\n", Format::Yaml).unwrap();
//! let value = load(br#"{"Ref": "Internet"}"#, Format::Json).unwrap();
//! let expander = CfnExpander::new(&template);
//! let Some(Expansion::Any { why, may_be_empty }) = expander.expand(&template, &value) else {
//!     unreachable!("an unconstrained parameter can be anything");
//! };
//! assert_eq!(why, "parameter Internet, which allows any value");
//! assert!(may_be_empty);
//! ```
//!
//! [`check()`] runs the whole pipeline for one template and hands back a [`Checked`] per
//! document (the template, then each product template it leads to).

pub mod catalog;
pub mod check;
pub mod conditions;
pub mod deploy_time;
pub mod error;
pub mod expand;
pub mod explain;
pub mod fold;
pub mod foreach;
pub mod params;
pub mod pipeline;
pub mod references;
pub mod suppress;
pub mod worlds;

pub use check::{check, check_each, no_files, Checked, FileReader, Options, Prepared, Template};
pub use error::{CfnError, Note, NoteKind};
pub use expand::{CfnExpander, Provisioning};
pub use suppress::{Suppressed, Suppression, Suppressions};
