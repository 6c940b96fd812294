//! The LGD master lists the sandbox serves. States and union territories carry
//! their real LGD codes; districts are listed for the states the guide's samples
//! and the seeded people use (codes from those samples), which is what a demo
//! needs. A district outside these lists is refused, as ABDM refuses an unknown one.

pub(crate) const STATES: &[(u16, &str)] = &[
    (35, "ANDAMAN AND NICOBAR ISLANDS"),
    (28, "ANDHRA PRADESH"),
    (12, "ARUNACHAL PRADESH"),
    (18, "ASSAM"),
    (10, "BIHAR"),
    (4, "CHANDIGARH"),
    (22, "CHHATTISGARH"),
    (38, "DADRA AND NAGAR HAVELI AND DAMAN AND DIU"),
    (7, "DELHI"),
    (30, "GOA"),
    (24, "GUJARAT"),
    (6, "HARYANA"),
    (2, "HIMACHAL PRADESH"),
    (1, "JAMMU AND KASHMIR"),
    (20, "JHARKHAND"),
    (29, "KARNATAKA"),
    (32, "KERALA"),
    (37, "LADAKH"),
    (31, "LAKSHADWEEP"),
    (23, "MADHYA PRADESH"),
    (27, "MAHARASHTRA"),
    (14, "MANIPUR"),
    (17, "MEGHALAYA"),
    (15, "MIZORAM"),
    (13, "NAGALAND"),
    (21, "ODISHA"),
    (34, "PUDUCHERRY"),
    (3, "PUNJAB"),
    (8, "RAJASTHAN"),
    (11, "SIKKIM"),
    (33, "TAMIL NADU"),
    (36, "TELANGANA"),
    (16, "TRIPURA"),
    (9, "UTTAR PRADESH"),
    (5, "UTTARAKHAND"),
    (19, "WEST BENGAL"),
];

/// `(state, district, name)`.
pub(crate) const DISTRICTS: &[(u16, u16, &str)] = &[
    (7, 77, "CENTRAL"),
    (10, 215, "ROHTAS"),
    (27, 482, "MUMBAI"),
    (27, 487, "NASHIK"),
    (27, 401, "PUNE"),
    (32, 557, "ERNAKULAM"),
    (33, 568, "CHENNAI"),
    (9, 164, "LUCKNOW"),
];

pub(crate) fn state_name(code: u16) -> Option<&'static str> {
    STATES.iter().find(|(c, _)| *c == code).map(|(_, name)| *name)
}

pub(crate) fn districts(state: u16) -> impl Iterator<Item = (u16, &'static str)> {
    DISTRICTS.iter().filter(move |(s, _, _)| *s == state).map(|(_, d, name)| (*d, *name))
}

pub(crate) fn district_name(state: u16, district: u16) -> Option<&'static str> {
    districts(state).find(|(d, _)| *d == district).map(|(_, name)| name)
}

/// The states as the API lists them.
pub(crate) fn state_entries() -> Vec<abdm_types::phr::LgdEntry> {
    STATES
        .iter()
        .map(|(code, name)| abdm_types::phr::LgdEntry { code: code.to_string(), name: (*name).into() })
        .collect()
}

/// The districts of the state `raw` names; an unknown state is a bad request.
pub(crate) fn district_entries(raw: &str) -> Result<Vec<abdm_types::phr::LgdEntry>, crate::error::Fail> {
    let bad = || crate::error::Fail::BadRequest {
        field: "stateCode",
        reason: "not a state code of the LGD master list".into(),
    };
    let state = abdm_types::StateCode::parse(raw).map_err(|_| bad())?;
    state_name(state.get()).ok_or_else(bad)?;
    Ok(districts(state.get())
        .map(|(code, name)| abdm_types::phr::LgdEntry { code: code.to_string(), name: name.into() })
        .collect())
}
