//! The pages the provider shows in the person's browser: the login (which also
//! says what the app will learn), the form-post answer and errors. Plain HTML;
//! everything that came from a request is escaped.

fn escape(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

fn shell(lang: &str, title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1b2a2f}}\
         label{{display:block;margin-top:.75rem}}input{{width:100%;padding:.5rem;font-size:1rem}}\
         button{{margin-top:1rem;margin-right:.5rem;padding:.5rem 1rem;font-size:1rem}}\
         .error{{color:#a4262c}}</style></head><body>{body}</body></html>"
    )
}

struct Words {
    lang: &'static str,
    title: &'static str,
    wants: &'static str,
    email: &'static str,
    password: &'static str,
    sign_in: &'static str,
    cancel: &'static str,
    wrong: &'static str,
}

const EN: Words = Words {
    lang: "en",
    title: "Sign in to the clinic",
    wants: "wants to know who you are",
    email: "Work email",
    password: "Password",
    sign_in: "Sign in",
    cancel: "Cancel",
    wrong: "That email or password is not right.",
};

const HI: Words = Words {
    lang: "hi",
    title: "क्लिनिक में साइन इन करें",
    wants: "जानना चाहता है कि आप कौन हैं",
    email: "कार्य ईमेल",
    password: "पासवर्ड",
    sign_in: "साइन इन करें",
    cancel: "रद्द करें",
    wrong: "यह ईमेल या पासवर्ड सही नहीं है।",
};

pub fn login(interaction: &str, client_id: &str, scope: &[String], hindi: bool, failed_email: Option<&str>) -> String {
    let w = if hindi { &HI } else { &EN };
    let error = match failed_email {
        Some(_) => format!("<p class=\"error\" role=\"alert\" id=\"login-error\">{}</p>", w.wrong),
        None => String::new(),
    };
    let body = format!(
        "<h1>{title}</h1><p><strong>{client}</strong> {wants} ({scope}).</p>{error}\
         <form method=\"post\" action=\"authorize\">\
         <input type=\"hidden\" name=\"interaction\" value=\"{interaction}\">\
         <label for=\"email\">{email}</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" value=\"{typed}\" required>\
         <label for=\"password\">{password}</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
         <button id=\"sign-in\" type=\"submit\" name=\"action\" value=\"login\">{sign_in}</button>\
         <button id=\"cancel\" type=\"submit\" name=\"action\" value=\"cancel\" formnovalidate>{cancel}</button></form>",
        title = w.title,
        client = escape(client_id),
        wants = w.wants,
        scope = escape(&scope.join(" ")),
        interaction = escape(interaction),
        email = w.email,
        typed = escape(failed_email.unwrap_or_default()),
        password = w.password,
        sign_in = w.sign_in,
        cancel = w.cancel,
    );
    shell(w.lang, w.title, &body)
}

/// OAuth 2.0 Form Post Response Mode: the answer posts itself to the client.
pub fn form_post(redirect_uri: &str, params: &[(&str, &str)]) -> String {
    let fields: String = params
        .iter()
        .map(|(k, v)| format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(k), escape(v)))
        .collect();
    let body = format!(
        "<form method=\"post\" action=\"{}\">{fields}<noscript><button type=\"submit\">Continue</button></noscript></form>\
         <script>document.forms[0].submit()</script>",
        escape(redirect_uri)
    );
    shell("en", "Signing in…", &body)
}

pub fn error(message: &str) -> String {
    shell("en", "Sign-in error", &format!("<h1>Sign-in error</h1><p class=\"error\">{}</p>", escape(message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_came_from_a_request_cannot_become_markup() {
        let page = login("id\"><script>", "client<b>", &["openid".into()], false, Some("<img src=x>"));
        assert!(!page.contains("<script>") && !page.contains("<b>") && !page.contains("<img"), "{page}");
    }
}
