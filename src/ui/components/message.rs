//! A full-page message: a heading and a sentence, for empty and error states.

use leptos::prelude::*;

#[component]
pub fn Message(#[prop(into)] title: String, children: Children) -> impl IntoView {
    view! {
        <main class="message">
            <h1>{title}</h1>
            <p role="status">{children()}</p>
        </main>
    }
}
