use axum::{
    Json,
    http::{StatusCode, Uri},
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// The PHR API's error body: `{"code":"MIS-404","message":..,"details":[..]}`.
#[derive(Debug, Clone, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub details: Vec<ErrorDetail>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(&self)).into_response()
    }
}

pub(crate) async fn unknown_endpoint(uri: Uri) -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        code: "MIS-404".to_owned(),
        message: "No such endpoint".to_owned(),
        details: vec![ErrorDetail {
            code: "MIS-404".to_owned(),
            message: format!("{} is not served", uri.path()),
        }],
    }
}
