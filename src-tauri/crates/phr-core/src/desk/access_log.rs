//! The access log: who at the desk did what, to which patient, and when; read
//! by day and by person, and exported as CSV. Only a signed-in member of staff
//! can read it.

use std::path::{Path, PathBuf};

use phr_store::{AuditEntry, AuditFilter};
use serde::{Deserialize, Serialize};

use super::StaffCard;
use crate::{Error, ErrorCode, Phr, mask_address};

/// At most this many lines on screen; the export has them all.
const SHOWN: u32 = 500;

/// What the front desk records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum DeskAction {
    StaffSignedIn,
    StaffSignedOut,
    DeskLocked,
    DeskUnlocked,
    /// The staff session could not be refreshed; the desk locked.
    StaffSessionEnded,
    PatientOpened,
    PatientVerified,
    PatientDeclined,
    /// A newly verified patient was confirmed as one already in the list.
    PatientsMerged,
    /// A patient from the Scan and Share queue joined the list.
    PatientRegistered,
    /// A verified patient's ABHA card was shown to print or saved.
    PatientCardMade,
    AccessLogExported,
}

const ACTIONS: [DeskAction; 12] = [
    DeskAction::StaffSignedIn,
    DeskAction::StaffSignedOut,
    DeskAction::DeskLocked,
    DeskAction::DeskUnlocked,
    DeskAction::StaffSessionEnded,
    DeskAction::PatientOpened,
    DeskAction::PatientVerified,
    DeskAction::PatientDeclined,
    DeskAction::PatientsMerged,
    DeskAction::PatientRegistered,
    DeskAction::PatientCardMade,
    DeskAction::AccessLogExported,
];

impl DeskAction {
    pub fn as_str(self) -> &'static str {
        match self {
            DeskAction::StaffSignedIn => "staff-signed-in",
            DeskAction::StaffSignedOut => "staff-signed-out",
            DeskAction::DeskLocked => "desk-locked",
            DeskAction::DeskUnlocked => "desk-unlocked",
            DeskAction::StaffSessionEnded => "staff-session-ended",
            DeskAction::PatientOpened => "patient-opened",
            DeskAction::PatientVerified => "patient-verified",
            DeskAction::PatientDeclined => "patient-declined",
            DeskAction::PatientsMerged => "patients-merged",
            DeskAction::PatientRegistered => "patient-registered",
            DeskAction::PatientCardMade => "patient-card-made",
            DeskAction::AccessLogExported => "access-log-exported",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        ACTIONS.into_iter().find(|a| a.as_str() == raw)
    }
}

/// Which lines to show: a time range (the UI sends a local day as its start
/// and end) and one member of staff.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AccessLogFilter {
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub from: Option<i64>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub to: Option<i64>,
    pub staff_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AccessEntry {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub at: i64,
    pub staff_id: String,
    pub staff_name: String,
    pub action: DeskAction,
    /// The patient's ABHA address as shown (a 14-digit default one masked).
    pub patient: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StaffRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AccessLog {
    pub entries: Vec<AccessEntry>,
    /// Everyone the log names, for the person filter.
    pub staff: Vec<StaffRef>,
    /// More lines matched than are shown; the export has them all.
    pub more: bool,
}

fn checked(filter: &AccessLogFilter) -> Result<AuditFilter, Error> {
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && from >= to
    {
        return Err(Error::input(ErrorCode::InvalidAccessLogFilter, "the day ends before it starts"));
    }
    let staff_id = filter.staff_id.as_deref().map(str::trim).filter(|id| !id.is_empty());
    if staff_id.is_some_and(|id| id.len() > 200) {
        return Err(Error::input(ErrorCode::InvalidAccessLogFilter, "no member of staff has such an id"));
    }
    Ok(AuditFilter { from: filter.from, to: filter.to, staff_id: staff_id.map(str::to_owned) })
}

fn entry(line: AuditEntry) -> Option<AccessEntry> {
    Some(AccessEntry {
        at: line.at,
        action: DeskAction::parse(&line.action)?,
        patient: line.subject.as_deref().map(mask_address),
        staff_id: line.staff_id?,
        staff_name: line.staff_name.unwrap_or_default(),
    })
}

/// A CSV field: quoted when it must be, and never read as a formula by a
/// spreadsheet (names come from other systems).
fn csv_field(raw: &str) -> String {
    let guarded = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{raw}") } else { raw.to_owned() };
    if guarded.contains([',', '"', '\n', '\r']) { format!("\"{}\"", guarded.replace('"', "\"\"")) } else { guarded }
}

impl Phr {
    /// The access log, newest first, as the desk's *Access log* screen shows it.
    pub async fn access_log(&self, filter: &AccessLogFilter) -> Result<AccessLog, Error> {
        self.on_duty().await?;
        let lines = self.store.desk_audit(&checked(filter)?, SHOWN + 1).await?;
        let more = lines.len() > SHOWN as usize;
        let entries = lines.into_iter().take(SHOWN as usize).filter_map(entry).collect();
        let staff = self.store.desk_audit_staff().await?.into_iter().map(|(id, name)| StaffRef { id, name }).collect();
        Ok(AccessLog { entries, staff, more })
    }

    /// Every line that passes `filter`, as CSV in `folder`; the file's path.
    /// The export itself is audited.
    pub async fn export_access_log(&self, filter: &AccessLogFilter, folder: &Path) -> Result<PathBuf, Error> {
        let staff: StaffCard = self.on_duty().await?;
        let lines = self.store.desk_audit(&checked(filter)?, u32::MAX).await?;
        let mut csv = String::from("time_utc,staff_id,staff_name,action,patient\n");
        for e in lines.into_iter().filter_map(entry) {
            let time = abdm_types::gateway::timestamp(e.at * 1000);
            let fields =
                [time.as_str(), &e.staff_id, &e.staff_name, e.action.as_str(), e.patient.as_deref().unwrap_or("")];
            csv.push_str(&fields.map(csv_field).join(","));
            csv.push('\n');
        }
        let day = abdm_types::gateway::timestamp(self.clock.now() * 1000);
        let path = folder.join(format!("abha-access-log-{}.csv", &day[..10]));
        std::fs::create_dir_all(folder).and_then(|()| std::fs::write(&path, csv)).map_err(Error::File)?;
        self.desk_audit(&staff, DeskAction::AccessLogExported, None).await?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("Priya Sharma"), "Priya Sharma");
        assert_eq!(csv_field("Rao, Kavita"), "\"Rao, Kavita\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
    }

    #[test]
    fn every_action_reads_back_from_its_name() {
        for action in ACTIONS {
            assert_eq!(DeskAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(DeskAction::parse("logged-in"), None, "a patient's own lines are not the desk's");
    }
}
