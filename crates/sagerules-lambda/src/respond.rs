//! Responses to SageMaker events: judge the resource an event names with the same rules, and
//! report it (a JSON log line, an SNS message) or, in `enforce` mode, stop it.
//!
//! Settings come from the environment:
//!
//! ```text
//! SAGERULES_RESPONSE=report|enforce   SAGERULES_TOPIC_ARN=arn:aws:sns:…   SAGERULES_EXEMPT_TAG=sagerules:exempt
//! SAGERULES_MIN_SEVERITY=high         SAGERULES_STATE_TABLE=sagerules-state
//! ```
//!
//! Safe by construction: the decision reads the resource's current state and tags from the
//! API, never from the event; a settled resource (completed, stopping, stopped) is left alone;
//! a rule that could not be evaluated, a failed `Describe*` or an unusable event is an error,
//! never a stop; a repeated event finds its claim in the state table and does nothing. Cost:
//! at most Describe + ListTags + claim + Stop + Publish per event, whatever the account holds.

use crate::clients::Clients;
use crate::cloudtrail::ApiCall;
use crate::engine::{Engine, Outcome};
use crate::job_event::StateChange;
use crate::kinds::KindFacts;
use crate::notify;
use crate::params::{ParamsError, RuleConfig};
use crate::sagemaker::{self, ApiFailure};
use crate::state::{StateError, StateTable};
use sagerules_core::Severity;
use sagerules_data::Node;
use serde::Serialize;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use std::time::Instant;

/// `SAGERULES_RESPONSE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Log and notify only (the default).
    Report,
    /// Also stop a non-compliant job or notebook instance that is running.
    Enforce,
}

/// How this deployment responds.
#[derive(Clone, Debug)]
pub struct Settings {
    pub mode: Mode,
    pub topic_arn: Option<String>,
    /// The tag whose presence on a resource turns a stop into a report; its value is the reason.
    pub exempt_tag: String,
    /// Stop only for failing rules at least this severe (default: any).
    pub min_severity: Severity,
    pub state_table: Option<String>,
    /// The periodic Config rule to re-run (at most once per [`NUDGE_INTERVAL_SECS`]) so Config's
    /// record catches up; needs the state table.
    pub periodic_rule: Option<String>,
    pub rules: RuleConfig,
}

/// The default exemption tag.
pub const DEFAULT_EXEMPT_TAG: &str = "sagerules:exempt";
/// The least time between two re-runs of the periodic rule started by events.
pub const NUDGE_INTERVAL_SECS: i64 = 300;

/// A setting with a value this crate does not accept.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{name}={value:?}: {expected}")]
    Invalid {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error(transparent)]
    Rules(#[from] ParamsError),
}

impl Settings {
    /// From the process environment.
    pub fn from_env(engine: &Engine) -> Result<Settings, SettingsError> {
        Settings::from_lookup(engine, |name| std::env::var(name).ok())
    }

    /// From `lookup` (tests hand in a map); empty values count as unset.
    pub fn from_lookup(
        engine: &Engine,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, SettingsError> {
        let lookup = &lookup as &dyn Fn(&str) -> Option<String>;
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mode = match get("SAGERULES_RESPONSE").as_deref().map(str::trim) {
            None | Some("report") => Mode::Report,
            Some("enforce") => Mode::Enforce,
            Some(other) => {
                return Err(SettingsError::Invalid {
                    name: "SAGERULES_RESPONSE",
                    value: other.to_string(),
                    expected: "report or enforce",
                })
            }
        };
        let min_severity = match get("SAGERULES_MIN_SEVERITY") {
            None => Severity::Info,
            Some(text) => Severity::parse(&text).ok_or(SettingsError::Invalid {
                name: "SAGERULES_MIN_SEVERITY",
                value: text.clone(),
                expected: "info, low, medium, high or critical",
            })?,
        };
        Ok(Settings {
            mode,
            topic_arn: get("SAGERULES_TOPIC_ARN"),
            exempt_tag: get("SAGERULES_EXEMPT_TAG").unwrap_or_else(|| DEFAULT_EXEMPT_TAG.into()),
            min_severity,
            state_table: get(crate::state::TABLE_VAR),
            periodic_rule: get("SAGERULES_PERIODIC_RULE"),
            rules: crate::params::event_rules(engine, lookup)?,
        })
    }
}

/// What the rules said, in the form a response needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Judgement {
    pub failing: Vec<FailingRule>,
    pub passed: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FailingRule {
    pub rule: String,
    pub severity: &'static str,
    #[serde(skip)]
    pub level: Severity,
    pub message: String,
    pub remediation: Option<String>,
}

impl Judgement {
    /// The most severe failing rule's severity.
    pub fn severity(&self) -> Option<Severity> {
        self.failing.iter().map(|f| f.level).max()
    }

    /// A short, stable digest of the failing rules, so a changed verdict is a new decision.
    fn digest(&self) -> String {
        let mut names: Vec<&str> = self.failing.iter().map(|f| f.rule.as_str()).collect();
        names.sort_unstable();
        let hash = Sha256::digest(names.join(",").as_bytes());
        hash.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }
}

/// The verdict of a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    Compliant,
    NonCompliant,
    /// No selected rule applies to the resource.
    NotApplicable,
    /// Not judged: the event needs no answer (a settled resource, a failed call).
    Ignored,
}

/// What was done about a non-compliant resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "action", content = "detail")]
pub enum Action {
    /// Nothing to do (compliant, ignored, or a repeat of a decision already carried out).
    None,
    /// `Stop*` was called and accepted.
    Stopped { call: &'static str },
    /// `Stop*` was called and failed: the resource still runs.
    StopFailed { call: &'static str, error: String },
    /// Reported only, with the reason no stop was made.
    Reported { why: String },
    /// `--dry-run`: the stop that would have been made.
    WouldStop { call: &'static str },
}

/// One decision, as logged, returned and (for non-compliant resources) notified.
#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    pub resource_type: &'static str,
    pub kind: &'static str,
    pub name: String,
    pub arn: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    /// The resource's page in the SageMaker console.
    pub console: Option<String>,
    /// What the event was: `SageMaker Training Job State Change (InProgress)`, `CloudTrail CreateModel`.
    pub trigger: String,
    /// The resource's status when the decision was made.
    pub status: Option<String>,
    pub verdict: Verdict,
    pub mode: Mode,
    pub failing: Vec<FailingRule>,
    pub passed: Vec<String>,
    #[serde(flatten)]
    pub action: Action,
    /// The exemption tag's value, when the resource has one.
    pub exempt: Option<String>,
    /// The same decision was already carried out for an earlier event.
    pub duplicate: bool,
    /// The SNS message id, when one was published.
    pub notified: Option<String>,
    /// Values CloudTrail hid from the request.
    pub redacted: Vec<String>,
    /// Why, in a sentence.
    pub note: String,
    /// The AWS calls this decision made, in order (`DescribeTrainingJob`, `Publish`, ...).
    pub calls: Vec<&'static str>,
    pub decision_ms: u64,
}

/// A response could not be made; nothing was stopped.
#[derive(Debug, thiserror::Error)]
pub enum RespondError {
    #[error("{resource}: describing it failed: {failure}")]
    Describe {
        resource: String,
        failure: ApiFailure,
    },
    #[error("{resource}: listing its tags failed (needed to honour exemptions): {failure}")]
    Tags {
        resource: String,
        failure: ApiFailure,
    },
    #[error("{resource}: {rule} could not be evaluated: {reason}; nothing was stopped")]
    RuleError {
        resource: String,
        rule: String,
        reason: String,
    },
    #[error(transparent)]
    State(#[from] StateError),
    #[error("{resource}: {call} failed: {error}; the resource still runs")]
    StopFailed {
        resource: String,
        call: &'static str,
        error: String,
        decision: Box<Decision>,
    },
    #[error("{resource}: the notification could not be published: {error}")]
    Publish {
        resource: String,
        error: String,
        decision: Box<Decision>,
    },
}

/// How one response runs: which calls it may make.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    /// Reads only: no Stop, no Publish, no state-table write.
    pub dry_run: bool,
}

/// The resource a decision is about, as far as it is known.
struct Subject {
    facts: &'static KindFacts,
    name: String,
    arn: Option<String>,
    account: Option<String>,
    region: Option<String>,
    trigger: String,
}

impl Subject {
    fn label(&self) -> String {
        format!("{} {}", self.facts.label, self.name)
    }

    /// The ARN from the event or response, else built from the name.
    fn arn_or_built(&self) -> Option<String> {
        self.arn.clone().or_else(|| {
            let (account, region) = (self.account.as_deref()?, self.region.as_deref()?);
            Some(self.facts.arn("aws", region, account, &self.name))
        })
    }

    fn decision(&self, settings: &Settings, started: Instant) -> Decision {
        Decision {
            resource_type: self.facts.kind.resource_type(),
            kind: self.facts.label,
            name: self.name.clone(),
            arn: self.arn.clone(),
            account: self.account.clone(),
            region: self.region.clone(),
            console: (self.region.as_deref()).map(|r| self.facts.console_link(r, &self.name)),
            trigger: self.trigger.clone(),
            status: None,
            verdict: Verdict::Ignored,
            mode: settings.mode,
            failing: Vec::new(),
            passed: Vec::new(),
            action: Action::None,
            exempt: None,
            duplicate: false,
            notified: None,
            redacted: Vec::new(),
            note: String::new(),
            calls: Vec::new(),
            decision_ms: elapsed_ms(started),
        }
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Responds to a state change: decides on a fresh `Describe*` of the resource.
pub async fn on_state_change(
    engine: &Engine,
    clients: &Clients,
    settings: &Settings,
    change: &StateChange,
    run: Run,
) -> Result<Decision, RespondError> {
    let started = Instant::now();
    let facts = change.facts;
    let subject = Subject {
        facts,
        name: change.name.clone(),
        arn: None,
        account: change.account.clone(),
        region: change.region.clone(),
        trigger: format!(
            "{} ({})",
            facts.state_change,
            change.status.as_deref().unwrap_or("no status")
        ),
    };
    let mut decision = subject.decision(settings, started);
    decision.status = change.status.clone();
    if let Some(why) = change.status.as_deref().and_then(|s| not_running(facts, s)) {
        decision.note = format!("ignored: the event says {why}");
        decision.decision_ms = elapsed_ms(started);
        return Ok(decision);
    }
    let (response, calls) = if run.dry_run {
        // No call at all: the event's detail stands in for the Describe response.
        (crate::node::from_json(&change.detail), Vec::new())
    } else {
        describe_now(clients, &subject).await?
    };
    decision.calls.extend(calls);
    let mut subject = subject;
    subject.arn = field(&response, facts.arn_field).or(subject.arn);
    decision.arn.clone_from(&subject.arn);
    let status = facts.status_field.and_then(|f| field(&response, f));
    decision.status.clone_from(&status);
    if let Some(why) = status.as_deref().and_then(|s| not_running(facts, s)) {
        decision.note = format!("ignored: {why} (checked with a fresh Describe)");
        decision.decision_ms = elapsed_ms(started);
        return Ok(decision);
    }
    let tags = match run.dry_run {
        true => None,
        false => tags_if_read(clients, settings, &subject, &mut decision).await?,
    };
    let judged = Judged::from_describe(engine, settings, &subject, response, tags.clone());
    let resource = Resource {
        subject,
        status,
        tags,
    };
    finish(
        engine, clients, settings, resource, judged, decision, run, started,
    )
    .await
}

/// The resource's tags when a selected tag rule needs them to judge it (a `Describe*`
/// response carries none), fetched once and reused for the exemption.
async fn tags_if_read(
    clients: &Clients,
    settings: &Settings,
    subject: &Subject,
    decision: &mut Decision,
) -> Result<Option<Node>, RespondError> {
    if !settings.rules.reads_tags() {
        return Ok(None);
    }
    list_tags(clients, subject, decision).await.map(Some)
}

/// Responds to a recorded call: judges its request directly (an update: a fresh Describe).
pub async fn on_api_call(
    engine: &Engine,
    clients: &Clients,
    settings: &Settings,
    call: &ApiCall,
    run: Run,
) -> Result<Decision, RespondError> {
    let started = Instant::now();
    let subject = Subject {
        facts: call.facts,
        name: call.name.clone(),
        arn: call.arn.clone(),
        account: call.account.clone(),
        region: call.region.clone(),
        trigger: format!("CloudTrail {}", call.event_name),
    };
    let mut decision = subject.decision(settings, started);
    decision.redacted.clone_from(&call.redacted);
    if let Some(code) = &call.error_code {
        decision.note = format!("ignored: the call failed ({code}), so nothing was created");
        return Ok(decision);
    }
    if call.is_update() && run.dry_run {
        decision.note =
            "dry run: an update is judged on a Describe of the notebook, which a dry run does not make"
                .into();
        return Ok(decision);
    }
    let (judged, tags) = if call.is_update() {
        let (response, calls) = describe_now(clients, &subject).await?;
        decision.calls.extend(calls);
        let tags = tags_if_read(clients, settings, &subject, &mut decision).await?;
        let judged = Judged::from_describe(engine, settings, &subject, response, tags.clone());
        (judged, tags)
    } else {
        // A create request carries its own `Tags`, which the tag rules read.
        let request = crate::node::from_json(&call.request);
        let document =
            sagerules_shapes::adapt::from_describe(call.facts.kind, &call.name, request, None);
        (Judged::new(engine, settings, &document), None)
    };
    let resource = Resource {
        subject,
        status: None,
        tags,
    };
    finish(
        engine, clients, settings, resource, judged, decision, run, started,
    )
    .await
}

/// What is known about the resource when the verdict is in.
struct Resource {
    subject: Subject,
    status: Option<String>,
    /// Its tags as `ListTags` gave them, when they were already fetched.
    tags: Option<Node>,
}

/// Why a resource in `status` needs no response, or `None` when it is running.
fn not_running(facts: &KindFacts, status: &str) -> Option<String> {
    if facts.is_settled(status) {
        return Some(format!("the {} is {status}", facts.label));
    }
    match facts.running_status {
        Some(running) if running != status => Some(format!(
            "the {} is {status}; it is judged when it is {running}",
            facts.label
        )),
        _ => None,
    }
}

/// `Describe*` now; the calls made, for the decision's record.
async fn describe_now(
    clients: &Clients,
    subject: &Subject,
) -> Result<(Node, Vec<&'static str>), RespondError> {
    let describe_call = subject.facts.describe_call.unwrap_or("Describe");
    match sagemaker::describe(&clients.sagemaker, subject.facts.kind, &subject.name).await {
        Some(Ok(response)) => Ok((response, vec![describe_call])),
        Some(Err(failure)) => Err(RespondError::Describe {
            resource: subject.label(),
            failure,
        }),
        None => Err(RespondError::Describe {
            resource: subject.label(),
            failure: ApiFailure {
                code: None,
                message: "this kind has no Describe in sagerules".into(),
            },
        }),
    }
}

fn field(node: &Node, key: &str) -> Option<String> {
    node.get(key).and_then(Node::as_str).map(str::to_string)
}

/// The rules' outcome on the resource and the document they read.
struct Judged {
    outcome: Outcome,
}

impl Judged {
    fn from_describe(
        engine: &Engine,
        settings: &Settings,
        subject: &Subject,
        response: Node,
        tags: Option<Node>,
    ) -> Judged {
        let document = sagerules_shapes::adapt::from_describe(
            subject.facts.kind,
            &subject.name,
            response,
            tags,
        );
        Judged::new(engine, settings, &document)
    }

    fn new(engine: &Engine, settings: &Settings, document: &Node) -> Judged {
        let outcome = engine.check(document, &settings.rules.pack_params, &settings.rules.rules);
        Judged { outcome }
    }

    fn judgement(&self, engine: &Engine) -> Judgement {
        let failing = self
            .outcome
            .failed
            .iter()
            .map(|note| {
                let info = engine.info(&note.rule);
                let level = info.map(|i| i.severity).unwrap_or_default();
                FailingRule {
                    rule: note.rule.clone(),
                    severity: level.as_str(),
                    level,
                    message: note.reason.clone(),
                    remediation: info.and_then(|i| i.remediation.clone()),
                }
            })
            .collect();
        Judgement {
            failing,
            passed: self.outcome.passed.clone(),
        }
    }
}

/// What to do about a non-compliant resource, before any side effect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    Stop { call: &'static str },
    Report { why: String },
}

impl Plan {
    /// The claim key's last part: a report and a later stop of the same verdict are two
    /// decisions (a notebook reported while Pending is still stopped once InService).
    fn phase(&self) -> &'static str {
        match self {
            Plan::Stop { .. } => "stop",
            Plan::Report { .. } => "report",
        }
    }
}

/// Inputs of [`plan`].
pub struct Facts<'a> {
    pub kind: &'static KindFacts,
    pub severity: Severity,
    pub exempt: Option<&'a str>,
    /// The resource's current status, when it is known.
    pub status: Option<&'a str>,
    pub redacted: &'a [String],
}

/// Stop or report: the one place the decision is made (no I/O, tested on its own).
pub fn plan(settings: &Settings, facts: &Facts<'_>) -> Plan {
    let report = |why: String| Plan::Report { why };
    let Some(call) = facts.kind.stop_call else {
        return report(format!("{}s are reported, never stopped", facts.kind.label));
    };
    if settings.mode == Mode::Report {
        return report("mode report (SAGERULES_RESPONSE=enforce would stop it)".into());
    }
    if let Some(reason) = facts.exempt {
        return report(format!(
            "exempt by tag {} = {reason:?}",
            settings.exempt_tag
        ));
    }
    if facts.severity < settings.min_severity {
        return report(format!(
            "its most severe failing rule is {}, below SAGERULES_MIN_SEVERITY={}",
            facts.severity.as_str(),
            settings.min_severity.as_str()
        ));
    }
    if let Some(first) = facts.redacted.first() {
        return report(format!(
            "CloudTrail hid {first} from the request; the stop is left to the state-change event, which reads the full Describe"
        ));
    }
    match facts.status {
        Some(status) if Some(status) == facts.kind.running_status => Plan::Stop { call },
        Some(status) if facts.kind.is_settled(status) => {
            report(format!("the {} is {status}, not running", facts.kind.label))
        }
        Some(status) => report(format!(
            "the {} is {status}; it is stopped when its {} state change arrives",
            facts.kind.label,
            facts.kind.running_status.unwrap_or("running")
        )),
        None => report(format!("the {}'s status is not known", facts.kind.label)),
    }
}

/// The verdict, then for a non-compliant resource: tags (exemption), status, claim, stop,
/// notification.
#[allow(clippy::too_many_arguments, reason = "one flow, split by phase above")]
async fn finish(
    engine: &Engine,
    clients: &Clients,
    settings: &Settings,
    resource: Resource,
    judged: Judged,
    mut decision: Decision,
    run: Run,
    started: Instant,
) -> Result<Decision, RespondError> {
    let Resource {
        mut subject,
        mut status,
        tags,
    } = resource;
    if let Some(error) = judged.outcome.errors.first() {
        return Err(RespondError::RuleError {
            resource: subject.label(),
            rule: error.rule.clone(),
            reason: error.reason.clone(),
        });
    }
    let judgement = judged.judgement(engine);
    decision.passed.clone_from(&judgement.passed);
    decision.failing.clone_from(&judgement.failing);
    let Some(severity) = judgement.severity() else {
        decision.verdict = if judgement.passed.is_empty() {
            Verdict::NotApplicable
        } else {
            Verdict::Compliant
        };
        decision.note = match decision.verdict {
            Verdict::Compliant => format!("compliant: passed {}", judgement.passed.join(", ")),
            _ => "no selected rule applies".into(),
        };
        decision.decision_ms = elapsed_ms(started);
        return Ok(decision);
    };
    decision.verdict = Verdict::NonCompliant;
    subject.arn = subject.arn_or_built();
    decision.arn.clone_from(&subject.arn);
    let tags = match (tags, run.dry_run) {
        (Some(tags), _) => Some(tags),
        (None, false) => Some(list_tags(clients, &subject, &mut decision).await?),
        // A dry run makes no call, so the resource's tags (and an exemption) are not read.
        (None, true) => None,
    };
    let exempt = tags
        .as_ref()
        .and_then(|tags| tag_value(tags, &settings.exempt_tag));
    decision.exempt.clone_from(&exempt);
    let wants_status = !run.dry_run
        && settings.mode == Mode::Enforce
        && subject.facts.stop_call.is_some()
        && exempt.is_none()
        && status.is_none()
        && decision.redacted.is_empty();
    if wants_status {
        let (response, calls) = describe_now(clients, &subject).await?;
        decision.calls.extend(calls);
        status = subject.facts.status_field.and_then(|f| field(&response, f));
        decision.status.clone_from(&status);
    }
    let planned = plan(
        settings,
        &Facts {
            kind: subject.facts,
            severity,
            exempt: exempt.as_deref(),
            status: status.as_deref(),
            redacted: &decision.redacted,
        },
    );
    if run.dry_run {
        decision.action = match planned {
            Plan::Stop { call } => Action::WouldStop { call },
            Plan::Report { why } => Action::Reported { why },
        };
        decision.note = "dry run: no call made (judged from the event; tags and exemption not read), no stop, no notification, no state written".into();
        decision.decision_ms = elapsed_ms(started);
        return Ok(decision);
    }
    let claim = match &settings.state_table {
        Some(table) => {
            let table = StateTable::new(clients.dynamodb.clone(), table);
            let key = format!(
                "respond#{}#{}#{}",
                subject.arn.as_deref().unwrap_or(&subject.name),
                judgement.digest(),
                planned.phase()
            );
            decision.calls.push("PutItem");
            if !table.claim(&key).await? {
                decision.duplicate = true;
                decision.note = "a repeat: this decision was already carried out".into();
                decision.decision_ms = elapsed_ms(started);
                return Ok(decision);
            }
            Some((table, key))
        }
        None => None,
    };
    decision.action = match planned {
        Plan::Stop { call } => {
            decision.calls.push(call);
            match sagemaker::stop(&clients.sagemaker, subject.facts.kind, &subject.name).await {
                Some(Ok(())) => Action::Stopped { call },
                Some(Err(failure)) => Action::StopFailed {
                    call,
                    error: failure.to_string(),
                },
                None => Action::Reported {
                    why: "no stop call for this kind".into(),
                },
            }
        }
        Plan::Report { why } => Action::Reported { why },
    };
    decision.note = notify::action_sentence(&decision);
    if let Some(topic) = &settings.topic_arn {
        decision.calls.push("Publish");
        match notify::publish(&clients.sns, topic, &decision).await {
            Ok(id) => decision.notified = Some(id),
            Err(error) => {
                release(claim.as_ref()).await;
                decision.decision_ms = elapsed_ms(started);
                return Err(RespondError::Publish {
                    resource: subject.label(),
                    error,
                    decision: Box::new(decision),
                });
            }
        }
    }
    decision.decision_ms = elapsed_ms(started);
    if let Action::StopFailed { call, error } = &decision.action {
        release(claim.as_ref()).await;
        return Err(RespondError::StopFailed {
            resource: subject.label(),
            call,
            error: error.clone(),
            decision: Box::new(decision.clone()),
        });
    }
    Ok(decision)
}

/// Gives a claim back after its action failed, so the retry of the event can act.
async fn release(claim: Option<&(StateTable, String)>) {
    if let Some((table, key)) = claim {
        if let Err(error) = table.release(key).await {
            tracing::warn!(%error, key, "could not release the response claim");
        }
    }
}

/// The resource's tags (`ListTags`), where exemptions are read: never from the event.
async fn list_tags(
    clients: &Clients,
    subject: &Subject,
    decision: &mut Decision,
) -> Result<Node, RespondError> {
    let Some(arn) = subject.arn_or_built() else {
        return Err(RespondError::Tags {
            resource: subject.label(),
            failure: ApiFailure {
                code: None,
                message: "neither the event nor the response gives its ARN".into(),
            },
        });
    };
    decision.calls.push("ListTags");
    sagemaker::list_tags(&clients.sagemaker, &arn)
        .await
        .map_err(|failure| RespondError::Tags {
            resource: subject.label(),
            failure,
        })
}

/// The value of `key` in `[{"Key": …, "Value": …}]`.
fn tag_value(tags: &Node, key: &str) -> Option<String> {
    tags.as_list()?
        .iter()
        .find(|t| t.get("Key").and_then(Node::as_str) == Some(key))
        .map(|t| field(t, "Value").unwrap_or_default())
}

/// The decision as the Lambda's return value.
pub fn to_json(decision: &Decision) -> Json {
    serde_json::to_value(decision).unwrap_or(Json::Null)
}

/// Asks AWS Config to re-run the periodic job rule (`SAGERULES_PERIODIC_RULE`) so its record
/// catches up with a judged job, at most once per [`NUDGE_INTERVAL_SECS`] (a conditional write
/// in the state table decides; without the table there is no nudge, since each would cost a
/// sweep). A name ending in `*` is a prefix: a conformance pack's rule is named
/// `sagerules-jobs-conformance-pack-<id>`, known only once deployed, so `sagerules-jobs*` is
/// looked up with DescribeConfigRules. Failures are logged: the next scheduled run catches up.
pub async fn nudge_periodic_rule(clients: &Clients, settings: &Settings, decision: &Decision) {
    let job = decision.resource_type.ends_with("Job");
    let judged = matches!(decision.verdict, Verdict::Compliant | Verdict::NonCompliant);
    let (Some(rule), Some(table)) = (&settings.periodic_rule, &settings.state_table) else {
        return;
    };
    if !job || !judged || decision.duplicate {
        return;
    }
    let table = StateTable::new(clients.dynamodb.clone(), table);
    match table.nudge_due(rule, NUDGE_INTERVAL_SECS).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(error) => {
            tracing::warn!(%error, "could not read the nudge time; the periodic rule is not started");
            return;
        }
    }
    let name = match periodic_rule_name(&clients.config, rule).await {
        Ok(Some(name)) => name,
        Ok(None) => {
            tracing::warn!(pattern = %rule, "no AWS Config rule matches SAGERULES_PERIODIC_RULE; the periodic rule is not started");
            return;
        }
        Err(error) => {
            tracing::warn!(pattern = %rule, %error, "could not list the AWS Config rules; the periodic rule is not started");
            return;
        }
    };
    let started = clients
        .config
        .start_config_rules_evaluation()
        .config_rule_names(&name)
        .send()
        .await;
    match started {
        Ok(_) => tracing::info!(rule = %name, "periodic rule started"),
        Err(error) => {
            tracing::warn!(rule = %name, error = %crate::error_text::error_text(&error), "could not start the periodic rule")
        }
    }
}

/// The rule `pattern` names: itself, or for `prefix*` the first rule (in DescribeConfigRules
/// order) whose name starts with `prefix`.
pub async fn periodic_rule_name(
    config: &aws_sdk_config::Client,
    pattern: &str,
) -> Result<Option<String>, String> {
    let Some(prefix) = pattern.strip_suffix('*') else {
        return Ok(Some(pattern.to_string()));
    };
    let mut pages = config.describe_config_rules().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| crate::error_text::error_text(&e))?;
        let found = page
            .config_rules()
            .iter()
            .filter_map(|r| r.config_rule_name())
            .find(|name| name.starts_with(prefix));
        if let Some(found) = found {
            return Ok(Some(found.to_string()));
        }
    }
    Ok(None)
}
