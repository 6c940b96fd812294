//! Scan and Share: demo patients scan a counter's QR in their PHR app (the
//! sandbox plays it and the gateway), the desk's bridge keeps the share and
//! answers `on-share` with a token, and the patient waits in the queue.

use std::time::Duration;

use abdm_sandbox::ShareFailure;
use abdm_types::gateway::{AuthPurpose, GatewayAuthMode};
use phr_core::ErrorCode;

use crate::helpers::*;

async fn share(app: &App, address: &str, qr: String) -> Result<abdm_sandbox::ShareAnswer, ShareFailure> {
    app.sandbox.share_profile(address, &qr).await
}

/// Asha joins the desk's list as a verified walk-in (DIRECT, approved on her phone).
async fn verify_asha(app: &App) {
    let v = app.phr.verify_patient("asha.verma@sbx", AuthPurpose::Kyc).await.unwrap();
    let v = app.phr.verify_with(&v.id, GatewayAuthMode::Direct).await.unwrap();
    let request = app.sandbox.direct_requests().into_iter().find(|r| r.patient == "asha.verma@sbx").unwrap();
    assert!(app.sandbox.answer_direct(&request.transaction_id, true));
    app.phr.verify_await_approval(&v.id).await.unwrap();
}

#[tokio::test]
async fn shared_profiles_get_their_counters_tokens_and_wait_in_the_queue_across_a_restart() {
    let mut app = with_desk(start().await, Duration::from_secs(5), true).await;
    let qrs = app.phr.counter_qrs().unwrap();
    assert_eq!(qrs.iter().map(|q| q.counter.as_str()).collect::<Vec<_>>(), ["1", "OPD2"]);
    assert_eq!(
        qrs[0].url,
        format!("https://phrsbx.abdm.gov.in/share-profile?hip-id={}&counter-id=1", abdm_sandbox::DEMO_REQUESTER_ID)
    );
    assert!(qrs[0].svg.starts_with("<svg"));
    let token = |answer: abdm_sandbox::ShareAnswer| (answer.status, answer.token_number);
    let ok = |t: &str| ("SUCCESS".to_owned(), t.to_owned());

    assert_eq!(token(share(&app, "meera.nair@sbx", qrs[0].url.clone()).await.unwrap()), ok("1-001"));
    assert_eq!(token(share(&app, "asha.verma@sbx", qrs[0].url.clone()).await.unwrap()), ok("1-002"));
    assert_eq!(
        token(share(&app, "meera.nair@sbx", qrs[0].url.clone()).await.unwrap()),
        ok("1-001"),
        "a repeat keeps its token"
    );
    assert_eq!(token(share(&app, "ravi.kumar@sbx", qrs[1].url.clone()).await.unwrap()), ok("OPD2-001"), "per counter");

    let unknown = share(&app, "ravi.kumar@sbx", qrs[0].url.replace("counter-id=1", "counter-id=9")).await.unwrap();
    assert_eq!(
        (unknown.status.as_str(), unknown.message.as_deref()),
        ("FAILURE", Some("No such counter at this facility"))
    );
    let foreign =
        share(&app, "ravi.kumar@sbx", qrs[0].url.replace(abdm_sandbox::DEMO_REQUESTER_ID, "IN0000000000")).await;
    assert_eq!(foreign, Err(ShareFailure::Refused(401)), "another facility's share is refused at the bridge");
    let forged = reqwest::Client::new()
        .post(format!("{}/v1.0/patients/profile/share", app.bridge_url.as_ref().unwrap()))
        .bearer_auth("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
        .header("X-HIP-ID", abdm_sandbox::DEMO_REQUESTER_ID)
        .body(r#"{"requestId":"r","timestamp":"t","intent":{"type":"x"},"location":{"latitude":"1","longitude":"1"},"profile":{"hipCode":"1","patient":{"healthId":"x@sbx","name":"X","gender":"M","yearOfBirth":1990}}}"#)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401, "an unsigned share is refused");

    app.restart().await;
    app.staff_signed_in().await;
    let queue = app.phr.share_queue().await.unwrap();
    let rows: Vec<_> = queue.iter().map(|q| (q.token.as_str(), q.full_name.as_str())).collect();
    assert_eq!(rows, [("1-001", "Meera Devi Nair"), ("1-002", "Asha Verma"), ("OPD2-001", "Ravi Kumar")]);
    assert_eq!(queue[0].mobile_masked.as_deref(), Some("******6780"), "numbers masked");
    assert_eq!(queue[0].abha_number_masked.as_deref(), Some("XX-XXXX-XXXX-3333"));

    let meera = app.phr.register_shared(queue[0].id).await.unwrap();
    assert_eq!(meera.person.person.full_name, "Meera Devi Nair");
    assert!(meera.person.verified_at.is_some() && meera.candidates.is_empty());
    assert_eq!(app.phr.find_people("meera").await.unwrap().len(), 1);
    app.phr.dismiss_shared(queue[1].id).await.unwrap();
    assert_eq!(app.phr.share_queue().await.unwrap().len(), 1);
    assert_eq!(app.phr.register_shared(queue[0].id).await.unwrap_err().code(), ErrorCode::FlowNotFound);
    let audit = app.phr.store().recent_audit(3).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "patient-registered" && a.subject.as_deref() == Some("meera.nair@sbx")));

    // Asha's other address shares: ABDM's rule offers the Asha already listed.
    verify_asha(&app).await;
    assert_eq!(token(share(&app, "ashav.pune@sbx", qrs[0].url.clone()).await.unwrap()), ok("1-003"));
    let queued = app.phr.share_queue().await.unwrap();
    let pune = queued.iter().find(|q| q.address == "ashav.pune@sbx").unwrap();
    let registered = app.phr.register_shared(pune.id).await.unwrap();
    let offered: Vec<_> = registered.candidates.iter().map(|c| c.addresses.clone()).collect();
    assert_eq!(offered, [vec!["asha.verma@sbx".to_owned()]]);

    // Shares after the restart reach the new desk; tomorrow the numbers start again.
    assert_eq!(token(share(&app, "asha.verma@sbx", qrs[0].url.clone()).await.unwrap()), ok("1-004"));
    app.sandbox.clock().advance(24 * 3600);
    assert_eq!(token(share(&app, "asha.verma@sbx", qrs[0].url.clone()).await.unwrap()), ok("1-001"));
    app.staff_signed_in().await;
    assert_eq!(app.phr.share_queue().await.unwrap().len(), 1, "yesterday's queue is not today's");
}
