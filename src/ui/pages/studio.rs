//! The studio's pages. For one gallery (the studio link `proofline publish`
//! prints, or from the overview): each share link's state (live, expired,
//! revoked; PIN; last day), activity (opened when, on how many devices,
//! saved offline), where its reminders go, selection, favourites, verdicts
//! and comments (with replies), the selected file names as CSV, the
//! gallery's settings (rules, lock, last day), new links and revoking, and
//! links compared side by side. For every gallery (`proofline
//! studio-link`): each gallery with its links and progress.

use leptos::prelude::*;
use proofline_core::GalleryId;
use proofline_core::downloads::Downloads;
use proofline_core::proofing::{LinkReport, SelectionRules, StudioPhoto, StudioReport};
use proofline_core::route::{Route, ShareToken};
use proofline_core::wording::{
    LOADING_STUDIO, activity_line, day_time, file_list_heading, gallery_summary, link_name,
    link_summary, overview_line, revoke_label, revoke_question,
};

use crate::browser::clock::local_time;
use crate::browser::hash_route::page_origin;
use crate::browser::{clipboard, object_url};
use crate::net::api::LoadError;
use crate::net::studio_api::{
    create_link, fetch_studio_csv, fetch_studio_overview, fetch_studio_report, revoke_link,
};
use crate::ui::components::brand_panel::BrandPanel;
use crate::ui::components::comment_reply::CommentReply;
use crate::ui::components::compare_links::CompareLinks;
use crate::ui::components::gallery_settings::GallerySettings;
use crate::ui::components::link_downloads::LinkDownloads;
use crate::ui::components::link_reminders::LinkReminders;
use crate::ui::components::message::Message;

#[component]
pub fn StudioPage(gallery: GalleryId, token: ShareToken) -> impl IntoView {
    let origin = page_origin().unwrap_or_default();
    let report = RwSignal::new(None::<Result<StudioReport, LoadError>>);
    {
        let (gallery, token) = (gallery.clone(), token.clone());
        leptos::task::spawn_local(async move {
            report.set(Some(fetch_studio_report(&gallery, &token).await));
        });
    }
    let download_error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<&'static str>);
    let download = {
        let (gallery, token) = (gallery.clone(), token.clone());
        move |_| {
            let (gallery, token) = (gallery.clone(), token.clone());
            leptos::task::spawn_local(async move {
                match fetch_studio_csv(&gallery, &token).await {
                    Ok(csv) => {
                        object_url::download(&format!("{gallery}-selection.csv"), &csv, "text/csv")
                    }
                    Err(e) => download_error.set(Some(e.to_string())),
                }
            });
        }
    };
    let studio = Studio {
        origin,
        gallery,
        token,
        report,
        made: RwSignal::new(None),
        made_pin: RwSignal::new(None),
    };
    move || match report.get() {
        None => view! { <p class="loading" role="status">{LOADING_STUDIO}</p> }.into_any(),
        Some(Err(e)) => {
            view! { <Message title="We can't show this studio page">{e.to_string()}</Message> }
                .into_any()
        }
        Some(Ok(r)) => {
            let studio = studio.clone();
            view! {
                <main class="studio">
                    <h1>{r.title.clone()}</h1>
                    <p>{gallery_summary(&r)}</p>
                    {r.notice.clone().map(|n| view! { <p class="notice" role="alert">{n}</p> })}
                    <button type="button" class="action" on:click=download.clone()>
                        "Download selection (CSV)"
                    </button>
                    {move || download_error.get().map(|e| view! { <p role="alert">{e}</p> })}
                    <GallerySettings gallery=studio.gallery.clone() token=studio.token.clone() report current=r.clone() saved />
                    <BrandPanel gallery=studio.gallery.clone() token=studio.token.clone() />
                    <NewLink studio=studio.clone() />
                    <CompareLinks links=r.links.clone() shown=r.shown.clone() />
                    {r.links.into_iter().map(|l| link_view(l, &r.shown, &r.rules, studio.clone())).collect_view()}
                </main>
            }
            .into_any()
        }
    }
}

/// The studio page for every gallery: each with its links, their state and
/// how far each customer got.
#[component]
pub fn StudioHome(token: ShareToken) -> impl IntoView {
    let overview = LocalResource::new({
        let token = token.clone();
        move || {
            let token = token.clone();
            async move { fetch_studio_overview(&token).await }
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">{LOADING_STUDIO}</p> }>
            {move || {
                let token = token.clone();
                overview
                    .get()
                    .map(move |result| match result {
                        Ok(galleries) if galleries.is_empty() => {
                            view! { <Message title="No galleries yet">"Publish a folder with `proofline publish` and it appears here."</Message> }
                                .into_any()
                        }
                        Ok(galleries) => {
                            view! {
                                <main class="studio">
                                    <h1>"Your galleries"</h1>
                                    <ul class="studio-galleries">
                                        {galleries
                                            .into_iter()
                                            .map(|r| gallery_card(r, &token))
                                            .collect_view()}
                                    </ul>
                                </main>
                            }
                                .into_any()
                        }
                        Err(e) => {
                            view! { <Message title="We can't show this studio page">{e.to_string()}</Message> }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

fn gallery_card(r: StudioReport, token: &ShareToken) -> impl IntoView {
    let href = Route::Studio {
        gallery: r.gallery.clone(),
        token: token.clone(),
    }
    .to_hash();
    let summary = gallery_summary(&r);
    let title = r.title.clone();
    view! {
        <li class="studio-gallery">
            <h2><a href=href>{title}</a></h2>
            <p>{summary}</p>
            <ul class="studio-links">
                {r
                    .links
                    .iter()
                    .map(|l| view! { <li>{overview_line(l)}</li> })
                    .collect_view()}
            </ul>
        </li>
    }
}

/// What a gallery's studio page acts on.
#[derive(Clone)]
struct Studio {
    origin: String,
    gallery: GalleryId,
    token: ShareToken,
    report: RwSignal<Option<Result<StudioReport, LoadError>>>,
    /// The link made last, shown until the page is left (the page redraws
    /// with the new report).
    made: RwSignal<Option<String>>,
    /// That link's PIN and the warning for a short one, shown with it.
    made_pin: RwSignal<Option<(String, Option<String>)>>,
}

/// Makes a share link: label, optional PIN and last day; shows the link once.
#[component]
fn NewLink(studio: Studio) -> impl IntoView {
    let label = RwSignal::new(String::new());
    let pin = RwSignal::new(String::new());
    let wants_pin = RwSignal::new(false);
    let expires = RwSignal::new(String::new());
    let downloads = RwSignal::new(Downloads::None);
    let made = studio.made;
    let made_pin = studio.made_pin;
    let error = RwSignal::new(None::<String>);
    let copied = RwSignal::new(false);
    let submit = {
        let studio = studio.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let studio = studio.clone();
            leptos::task::spawn_local(async move {
                // "new": the studio makes a 6-digit PIN.
                let chosen = match (pin.get_untracked(), wants_pin.get_untracked()) {
                    (p, true) if p.trim().is_empty() => "new".to_owned(),
                    (p, _) => p,
                };
                let result = create_link(
                    &studio.gallery,
                    &studio.token,
                    &label.get_untracked(),
                    &chosen,
                    &expires.get_untracked(),
                    downloads.get_untracked(),
                )
                .await;
                match result {
                    Ok(created) => {
                        let url = format!(
                            "{}/{}",
                            studio.origin,
                            Route::Gallery {
                                gallery: studio.gallery.clone(),
                                token: ShareToken::parse(created.token)
                                    .unwrap_or(studio.token.clone()),
                                image: None,
                            }
                            .to_hash()
                        );
                        made.set(Some(url));
                        made_pin.set(created.pin.map(|p| (p, created.warning)));
                        copied.set(false);
                        error.set(None);
                        label.set(String::new());
                        pin.set(String::new());
                        wants_pin.set(false);
                        expires.set(String::new());
                        downloads.set(Downloads::None);
                        let fresh = fetch_studio_report(&studio.gallery, &studio.token).await;
                        studio.report.set(Some(fresh));
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        }
    };
    let copy = move |_| {
        if let Some(url) = made.get_untracked()
            && clipboard::copy(&url)
        {
            copied.set(true);
        }
    };
    view! {
        <section class="new-link" aria-labelledby="new-link-heading">
            <h2 id="new-link-heading">"New share link"</h2>
            <form on:submit=submit>
                <label>"Who it's for" <input type="text" maxlength="200" placeholder="Grandma" prop:value=move || label.get() on:input=move |ev| label.set(event_target_value(&ev)) /></label>
                <label><input type="checkbox" prop:checked=move || wants_pin.get() on:change=move |ev| wants_pin.set(event_target_checked(&ev)) /> "Ask for a PIN (6 digits, made for you)"</label>
                <label>"Or choose the PIN" <input type="text" inputmode="numeric" maxlength="8" autocomplete="off" prop:value=move || pin.get() on:input=move |ev| pin.set(event_target_value(&ev)) /></label>
                <label>"Last day (optional)" <input type="date" prop:value=move || expires.get() on:input=move |ev| expires.set(event_target_value(&ev)) /></label>
                <label>"Downloads"
                    <select
                        prop:value=move || downloads.get().as_str()
                        on:change=move |ev| {
                            downloads.set(Downloads::parse(&event_target_value(&ev)).unwrap_or_default())
                        }
                    >
                        <option value="none">"None"</option>
                        <option value="web">"Web size (2048 px)"</option>
                        <option value="full">"Full size (as published)"</option>
                    </select>
                </label>
                <button type="submit" class="action">"Make link"</button>
            </form>
            {move || error.get().map(|e| view! { <p role="alert">{e}</p> })}
            {move || made.get().map(|url| view! {
                <p class="made" role="status">
                    "New link: " <output>{url}</output> " "
                    <button type="button" class="action" on:click=copy>{move || if copied.get() { "Copied" } else { "Copy" }}</button>
                </p>
            })}
            {move || made_pin.get().map(|(pin, warning)| view! {
                <p class="made-pin" role="status">
                    "PIN: " <output>{pin}</output> " — send it separately from the link (a text and an email, say)."
                </p>
                {warning.map(|w| view! { <p class="warning">{w}</p> })}
            })}
        </section>
    }
}

/// Every photo a link chose, favourited, judged or commented on, in gallery
/// order: its thumbnail (opening the large proof), its name, what the
/// customer said of it, and their comments (as text).
fn chosen_photos(l: &LinkReport, shown: &[StudioPhoto], studio: &Studio) -> Vec<AnyView> {
    let has = |list: &[String], file: &str| list.iter().any(|f| f == file);
    let mut files = l.named_files();
    // Gallery order, as the shown photos come.
    files.sort_by_key(|f| shown.iter().position(|p| p.file_name == *f));
    files
        .into_iter()
        .map(|file| {
            let mut marks = Vec::new();
            for (list, mark) in [
                (&l.selected, "Selected"),
                (&l.favourites, "Favourite"),
                (&l.approved, "Approved"),
                (&l.changes_requested, "Changes requested"),
            ] {
                if has(list, file) {
                    marks.push(mark);
                }
            }
            // Each comment with its op id (what a reply names) and replies.
            let comments: Vec<(String, String, Vec<String>)> = l
                .comments
                .iter()
                .zip(&l.comment_ids)
                .filter(|((f, _), _)| f == file)
                .map(|((_, text), id)| {
                    let replies = l.replies.iter().filter(|(to, _)| to == id);
                    let replies = replies.map(|(_, r)| r.clone()).collect();
                    (id.clone(), text.clone(), replies)
                })
                .collect();
            let (gallery, token, report) =
                (studio.gallery.clone(), studio.token.clone(), studio.report);
            let link = l.id.clone();
            let photo = shown.iter().find(|p| p.file_name == file).cloned();
            let name = file.to_owned();
            view! {
                <li class="studio-photo">
                    {photo.map(|p| view! {
                        <a href=p.proof target="_blank" rel="noopener" aria-label=format!("Open {name} large")>
                            <img src=p.thumb alt="" loading="lazy" width=p.width height=p.height />
                        </a>
                    })}
                    <p class="file">{file.to_owned()}</p>
                    <p class="marks">{marks.join(" · ")}</p>
                    {comments.into_iter().map(|(comment, text, replies)| view! {
                        <CommentReply
                            gallery=gallery.clone()
                            token=token.clone()
                            report
                            link=link.clone()
                            comment
                            text
                            replies
                        />
                    }).collect_view()}
                </li>
            }
            .into_any()
        })
        .collect()
}

fn link_view(
    l: LinkReport,
    shown: &[StudioPhoto],
    rules: &SelectionRules,
    studio: Studio,
) -> impl IntoView {
    let photos = chosen_photos(&l, shown, &studio);
    let name = link_name(&l);
    let summary = link_summary(&l);
    // In the studio's own time zone: "Tue 14 Jan, 14:05".
    let activity = activity_line(&l, rules, |t| day_time(local_time(t)));
    let reminders = l.state.is_live().then(|| {
        let (gallery, token, report) =
            (studio.gallery.clone(), studio.token.clone(), studio.report);
        view! {
            <LinkDownloads gallery=gallery.clone() token=token.clone() report link=l.clone() />
            <LinkReminders gallery token report link=l.clone() />
        }
    });
    let error = RwSignal::new(None::<String>);
    let revoke = {
        let (id, name) = (l.id.clone(), name.clone());
        move |_| {
            let bounds = studio
                .report
                .with_untracked(|r| r.as_ref().and_then(|r| r.as_ref().ok()?.revocation));
            let question = revoke_question(&name, bounds);
            if !window().confirm_with_message(&question).unwrap_or(false) {
                return;
            }
            let (studio, id) = (studio.clone(), id.clone());
            leptos::task::spawn_local(async move {
                match revoke_link(&studio.gallery, &studio.token, &id).await {
                    Ok(report) => studio.report.set(Some(Ok(report))),
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        }
    };
    let live = l.state.is_live();
    let revoke_name = revoke_label(&l);
    let heading = name.clone();
    view! {
        <section class="studio-link" aria-label=name.clone()>
            <h2>{heading}</h2>
            <p class="summary">{summary}</p>
            <p class="activity">{activity}</p>
            {live.then(|| view! {
                <button type="button" class="action" aria-label=revoke_name on:click=revoke>"Revoke"</button>
            })}
            {reminders}
            {move || error.get().map(|e| view! { <p role="alert">{e}</p> })}
            {(!photos.is_empty()).then(|| view! {
                <h3>{file_list_heading("Photos", photos.len())}</h3>
                <ul class="studio-photos">{photos}</ul>
            })}
        </section>
    }
}
