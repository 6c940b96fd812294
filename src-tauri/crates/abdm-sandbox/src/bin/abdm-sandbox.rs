//! `abdm-sandbox --port N`: the simulator on its own, for curl and manual testing.

use std::{net::Ipv4Addr, process::ExitCode};

const USAGE: &str =
    "usage: abdm-sandbox [--port N]   (default port 8099, listens on 127.0.0.1 only)";

#[tokio::main]
async fn main() -> ExitCode {
    let port = match parse_port(std::env::args().skip(1)) {
        Ok(port) => port,
        Err(message) => {
            eprintln!("abdm-sandbox: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("abdm-sandbox: cannot listen on 127.0.0.1:{port}: {err}");
            return ExitCode::from(1);
        }
    };
    let sandbox = match abdm_sandbox::spawn(listener).await {
        Ok(sandbox) => sandbox,
        Err(err) => {
            eprintln!("abdm-sandbox: {err}");
            return ExitCode::from(1);
        }
    };
    eprintln!(
        "abdm-sandbox: PHR API at {}  gateway at {}",
        sandbox.phr_base_url(),
        sandbox.gateway_base_url()
    );
    let _ = tokio::signal::ctrl_c().await;
    match sandbox.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("abdm-sandbox: {err}");
            ExitCode::from(1)
        }
    }
}

fn parse_port(mut args: impl Iterator<Item = String>) -> Result<u16, String> {
    let mut port = 8099;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" | "-p" => {
                let value = args.next().ok_or("--port needs a value")?;
                port = value
                    .parse()
                    .map_err(|_| format!("--port {value:?} is not a port number"))?;
            }
            "--help" | "-h" => return Err("help".to_owned()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(port)
}
