//! The ABHA card: a person's own from ABDM's profile on *My ABHA*, and a
//! patient's at the desk from ABDM's answer to the verification. Read back as
//! a person would: the PNG's QR code by the desk's scanner, the PDF by poppler.

use std::time::Duration;

use abdm_types::{AbhaQr, CivilDate, Gender, gateway::AuthPurpose};
use base64::Engine;
use phr_core::{CardFor, ErrorCode, UiLanguage, VerificationStep, Verified};

use crate::helpers::*;

const TODAY: CivilDate = CivilDate { year: 2026, month: 12, day: 3 };

/// The PNG's pixels: width, height, RGBA.
fn picture(png_base64: &str) -> (usize, usize, Vec<u8>) {
    let bytes = base64::engine::general_purpose::STANDARD.decode(png_base64).unwrap();
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut rgba = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut rgba).unwrap();
    (info.width as usize, info.height as usize, rgba)
}

/// What the card's QR code holds, read from the PNG the way a desk's scanner would.
fn scan(png_base64: &str) -> AbhaQr {
    let (w, h, rgba) = picture(png_base64);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| rgba[(y * w + x) * 4]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the card");
    AbhaQr::parse(&grids[0].decode().unwrap().1, TODAY).unwrap()
}

/// The colour near the top left of the photo's place on the card.
fn photo_corner(png_base64: &str) -> [u8; 3] {
    let (w, _, rgba) = picture(png_base64);
    let (x, y) = (14 * 300 / 72, 44 * 300 / 72);
    let i = (y * w + x) * 4;
    [rgba[i], rgba[i + 1], rgba[i + 2]]
}

fn pdf_text(path: &str) -> String {
    let out = std::process::Command::new("pdftotext").args([path, "-"]).output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn my_abha_card_comes_from_abdms_profile_with_the_whole_number_and_is_saved_as_png_and_pdf() {
    let app = start().await;
    let flow = app.phr.login_by_abha_number("91-1111-2222-3333", "1990").await.unwrap();
    let Verified::Choose(flow) = app.phr.login_verify_otp(&flow.id, &app.otp_for("9123456780")).await.unwrap() else {
        panic!("a chooser")
    };
    app.phr.login_choose(&flow.id, "meera.nair@sbx").await.unwrap();
    let meera = CardFor::Account { address: "meera.nair@sbx".into() };

    let png = app.phr.abha_card_png(&meera, UiLanguage::En).await.unwrap();
    let near = |[r, g, b]: [u8; 3]| r.abs_diff(214) < 6 && g.abs_diff(222) < 6 && b.abs_diff(232) < 6;
    assert!(near(photo_corner(&png)), "ABDM's KYC photo (the sandbox's grey silhouette, as JPEG keeps it)");
    let card = scan(&png);
    assert_eq!(card.address.expose(), "meera.nair@sbx");
    assert_eq!(
        card.number.as_ref().unwrap().digits(),
        "91111122223333",
        "the whole number, from ABDM, not the cache's masked one"
    );
    assert_eq!((card.name.as_deref(), card.gender), (Some("Meera Devi Nair"), Some(Gender::Female)));
    assert_eq!(card.date_of_birth.unwrap().year().get(), 1990);

    let folder = tempfile::tempdir().unwrap();
    let saved = app.phr.save_abha_card(&meera, UiLanguage::Hi, folder.path()).await.unwrap();
    assert!(saved.png.ends_with("ABHA card meera.nair@sbx.png") && saved.pdf.ends_with("ABHA card meera.nair@sbx.pdf"));
    let text = pdf_text(&saved.pdf);
    assert!(text.contains("Meera Devi Nair") && text.contains("नाम") && text.contains("आभा संख्या"), "{text}");
    assert_eq!(scan(&base64::engine::general_purpose::STANDARD.encode(std::fs::read(&saved.png).unwrap())), card);

    let elsewhere = CardFor::Account { address: "asha.verma@sbx".into() };
    assert_eq!(app.phr.abha_card_png(&elsewhere, UiLanguage::En).await.unwrap_err().code(), ErrorCode::NotSignedIn);
    let garbage = CardFor::Account { address: "not an address".into() };
    assert_eq!(
        app.phr.abha_card_png(&garbage, UiLanguage::En).await.unwrap_err().code(),
        ErrorCode::InvalidAbhaAddress
    );
    app.phr.logout().await.unwrap();
    assert_eq!(app.phr.abha_card_png(&meera, UiLanguage::En).await.unwrap_err().code(), ErrorCode::NotSignedIn);
}

#[tokio::test]
async fn the_desk_makes_a_just_verified_patients_card_audits_it_and_forgets_it_when_staff_leave() {
    let mut app = with_desk(start().await, Duration::from_secs(5), true).await;
    let v = app.phr.verify_patient("meera.nair@sbx", AuthPurpose::Kyc).await.unwrap();
    let v = app.phr.verify_with(&v.id, abdm_types::gateway::GatewayAuthMode::MobileOtp).await.unwrap();
    let otp = app.sandbox.outbox().last().unwrap().otp.clone();
    let done = app.phr.verify_otp(&v.id, &otp).await.unwrap();
    assert!(matches!(done.step, VerificationStep::Verified { card: Some(_), .. }));
    let patient = CardFor::Patient { verification: v.id.clone() };

    let png = app.phr.abha_card_png(&patient, UiLanguage::En).await.unwrap();
    assert_eq!(photo_corner(&png), [255, 255, 255], "the gateway sends no photo");
    let card = scan(&png);
    assert_eq!(card.number.unwrap().digits(), "91111122223333", "from the gateway's identifiers");
    assert_eq!(card.name.as_deref(), Some("Meera Devi Nair"));
    let born = card.date_of_birth.unwrap();
    assert_eq!((born.year().get(), born.month()), (1990, None), "the gateway gives the year alone");
    let audit = app.phr.store().recent_audit(1).await.unwrap();
    assert_eq!((audit[0].action.as_str(), audit[0].subject.as_deref()), ("patient-card-made", Some("meera.nair@sbx")));
    assert_eq!(audit[0].staff_name.as_deref(), Some("Priya Sharma"));

    let folder = tempfile::tempdir().unwrap();
    let saved = app.phr.save_abha_card(&patient, UiLanguage::En, folder.path()).await.unwrap();
    assert!(pdf_text(&saved.pdf).contains("Meera Devi Nair"));
    let unwritable = folder.path().join("ABHA card meera.nair@sbx.png").join("inside a file");
    let err = app.phr.save_abha_card(&patient, UiLanguage::En, &unwritable).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ExportFailed);

    // A default address is the ABHA number: masked in the file's name, as on screen.
    let v = app.phr.verify_patient("91111122223333@sbx", AuthPurpose::Kyc).await.unwrap();
    let v = app.phr.verify_with(&v.id, abdm_types::gateway::GatewayAuthMode::MobileOtp).await.unwrap();
    let otp = app.sandbox.outbox().last().unwrap().otp.clone();
    app.phr.verify_otp(&v.id, &otp).await.unwrap();
    let default = CardFor::Patient { verification: v.id.clone() };
    let saved = app.phr.save_abha_card(&default, UiLanguage::En, folder.path()).await.unwrap();
    assert!(!saved.png.contains("91111122223333") && saved.png.ends_with("3333@sbx.png"), "{}", saved.png);

    let unknown = CardFor::Patient { verification: "no-such-verification".into() };
    assert_eq!(app.phr.abha_card_png(&unknown, UiLanguage::En).await.unwrap_err().code(), ErrorCode::CardUnavailable);

    // The numbers leave with the member of staff, and are never on disk.
    app.phr.staff_sign_out().await.unwrap();
    app.staff_signed_in().await;
    assert_eq!(app.phr.abha_card_png(&patient, UiLanguage::En).await.unwrap_err().code(), ErrorCode::CardUnavailable);
    app.restart().await;
    app.staff_signed_in().await;
    assert_eq!(app.phr.abha_card_png(&patient, UiLanguage::En).await.unwrap_err().code(), ErrorCode::CardUnavailable);
}
