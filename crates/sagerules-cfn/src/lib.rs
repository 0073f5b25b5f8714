//! CloudFormation awareness for sagerules: a template is judged by every value each security
//! property can take when the stack is deployed.
//!
//! Why a crate of its own: the core language knows nothing of CloudFormation, and the CLI
//! should only read files and render. This crate sits between them: it expands intrinsics and
//! parameters ([`CfnExpander`]), turns inline SageMaker pipeline steps into job resources,
//! follows Service Catalog products to their local templates, and applies
//! `Metadata.sagerules.suppress`. It does no I/O: files are read through the caller's
//! [`FileReader`].

pub mod catalog;
pub mod check;
pub mod error;
pub mod expand;
pub mod fold;
pub mod params;
pub mod pipeline;
pub mod suppress;

pub use check::{check, check_each, no_files, Checked, FileReader, Options, Prepared, Template};
pub use error::{CfnError, Note, NoteKind};
pub use expand::{CfnExpander, Provisioning};
pub use suppress::{Suppressed, Suppression, Suppressions};
