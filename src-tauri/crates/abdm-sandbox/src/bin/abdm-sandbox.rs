//! `abdm-sandbox --port N`: the simulator on its own, for curl and manual testing.

use std::{net::Ipv4Addr, path::PathBuf, process::ExitCode};

use abdm_sandbox::Options;

const USAGE: &str = "usage: abdm-sandbox [--port N] [--controls] [--state FILE]

  --port N      listen on 127.0.0.1:N (default 8099)
  --controls    serve the test controls under /_sandbox/ (outbox, clock, faults)
  --state FILE  keep the sandbox's people and sessions in FILE across restarts";

struct Args {
    port: u16,
    options: Options,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("abdm-sandbox: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, args.port)).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("abdm-sandbox: cannot listen on 127.0.0.1:{}: {err}", args.port);
            return ExitCode::from(1);
        }
    };
    let sandbox = match abdm_sandbox::spawn_with(listener, args.options).await {
        Ok(sandbox) => sandbox,
        Err(err) => {
            eprintln!("abdm-sandbox: {err}");
            return ExitCode::from(1);
        }
    };
    eprintln!("abdm-sandbox: PHR API at {}  gateway at {}", sandbox.phr_base_url(), sandbox.gateway_base_url());
    eprintln!(
        "abdm-sandbox: clinic auth platform at {}  OpenID Connect issuer {}",
        sandbox.auth_platform_url(),
        sandbox.oidc_issuer()
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

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args { port: 8099, options: Options::default() };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" | "-p" => {
                let value = args.next().ok_or("--port needs a value")?;
                parsed.port = value.parse().map_err(|_| format!("--port {value:?} is not a port number"))?;
            }
            "--controls" => parsed.options.controls = true,
            "--state" => {
                let path = PathBuf::from(args.next().ok_or("--state needs a file")?);
                parsed.options.state = Some(abdm_sandbox::StateFile { path, key: None });
            }
            "--help" | "-h" => return Err("help".to_owned()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(parsed)
}
