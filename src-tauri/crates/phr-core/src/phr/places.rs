//! The LGD master lists behind the profile form's state and district pickers.
//! They change a few times a year, so each list is asked of ABDM once per run.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use abdm_types::{StateCode, phr::LgdEntry};
use serde::Serialize;

use super::Phr;
use crate::{Error, ErrorCode};

/// A state or district: its LGD code and name, as ABDM lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Place {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum List {
    States,
    Districts(StateCode),
}

/// Lists already fetched in this run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Places(Arc<Mutex<HashMap<List, Vec<Place>>>>);

impl Places {
    fn get(&self, list: List) -> Option<Vec<Place>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(&list).cloned()
    }

    fn keep(&self, list: List, entries: Vec<LgdEntry>) -> Vec<Place> {
        let mut places: Vec<Place> = entries.into_iter().map(|e| Place { code: e.code, name: e.name }).collect();
        places.sort_by(|a, b| a.name.cmp(&b.name));
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(list, places.clone());
        places
    }
}

impl Phr {
    /// India's states and union territories, by name.
    pub async fn states(&self) -> Result<Vec<Place>, Error> {
        if let Some(places) = self.places.get(List::States) {
            return Ok(places);
        }
        let entries = self.client.lgd_states().await?;
        Ok(self.places.keep(List::States, entries))
    }

    /// The districts of one state, by name.
    pub async fn districts(&self, raw_state: &str) -> Result<Vec<Place>, Error> {
        let state = StateCode::parse(raw_state).map_err(|e| Error::input(ErrorCode::InvalidProfile, e))?;
        let list = List::Districts(state);
        if let Some(places) = self.places.get(list) {
            return Ok(places);
        }
        let entries = self.client.lgd_districts(state).await?;
        Ok(self.places.keep(list, entries))
    }
}
