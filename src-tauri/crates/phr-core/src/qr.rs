//! The QR code of an ABHA address, drawn as SVG for the home screen. It holds
//! the address and nothing else: a clinic that scans it learns what the person
//! would otherwise say aloud, and starts verification from there.

use std::fmt::Write;

use qrcode::{Color, EcLevel, QrCode};

use crate::{Error, ErrorCode};

/// Modules of white border the QR specification asks scanners to expect.
const QUIET_ZONE: usize = 4;

/// An SVG of the QR code of `raw_address` (one unit per module, scaled by the page).
pub fn address_qr(raw_address: &str) -> Result<String, Error> {
    let address = crate::phr::address(raw_address)?;
    svg(&address.expose())
}

/// An SVG of the QR code of `text`.
pub(crate) fn svg(text: &str) -> Result<String, Error> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| Error::input(ErrorCode::InvalidAbhaAddress, e))?;
    let width = code.width();
    let side = width + 2 * QUIET_ZONE;
    let mut path = String::with_capacity(width * width * 4);
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
            let _ = write!(path, "M{x} {y}h1v1h-1z");
        }
    }
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" shape-rendering="crispEdges"><rect width="{side}" height="{side}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the SVG back the way a scanner would see it: dark squares on white.
    fn scan(svg: &str) -> String {
        let side: usize =
            svg.split("viewBox=\"0 0 ").nth(1).and_then(|s| s.split(' ').next()).unwrap().parse().unwrap();
        let mut dark = vec![false; side * side];
        let path = svg.split(" d=\"").nth(1).unwrap();
        for square in path.split('M').skip(1) {
            let mut xy = square.split('h').next().unwrap().split(' ');
            let (x, y): (usize, usize) = (xy.next().unwrap().parse().unwrap(), xy.next().unwrap().parse().unwrap());
            dark[y * side + x] = true;
        }
        let scale = 4;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(side * scale, side * scale, |x, y| {
            if dark[(y / scale) * side + x / scale] { 0 } else { 255 }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code in the picture");
        grids[0].decode().unwrap().1
    }

    #[test]
    fn the_code_reads_back_as_the_address() {
        for address in ["asha.verma@sbx", "meera_n2@abdm", "91111122223333@sbx"] {
            assert_eq!(scan(&address_qr(address).unwrap()), address);
        }
    }

    #[test]
    fn addresses_are_normalised_before_drawing() {
        assert_eq!(scan(&address_qr("  Asha.Verma@SBX ").unwrap()), "asha.verma@sbx");
    }

    #[test]
    fn a_malformed_address_is_refused_with_its_code() {
        assert_eq!(address_qr("not an address").unwrap_err().code(), ErrorCode::InvalidAbhaAddress);
    }
}
