//! One window, one command: what every Tauri 2 app pays before it does anything.

#[tauri::command]
fn greet(name: &str) -> String {
    format!("Hello, {name}")
}

fn main() {
    if let Err(err) =
        tauri::Builder::default().invoke_handler(tauri::generate_handler![greet]).run(tauri::generate_context!())
    {
        eprintln!("bare-tauri: {err}");
        std::process::exit(1);
    }
}
