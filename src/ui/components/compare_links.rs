//! The studio page's comparison of links: tick two or more (all that chose
//! something, at first) and see each photo any of them selected or
//! favourited, those all of them chose first, with each link's mark in a
//! column of its own. Studio-only: the customer's app never links it.

use leptos::prelude::*;
use proofline_core::proofing::{LinkReport, StudioPhoto, compare};
use proofline_core::wording::{compare_summary, link_name, mark_words};

#[component]
pub fn CompareLinks(links: Vec<LinkReport>, shown: Vec<StudioPhoto>) -> impl IntoView {
    // Only links that chose something have anything to compare.
    let links: Vec<LinkReport> = links
        .into_iter()
        .filter(|l| !l.selected.is_empty() || !l.favourites.is_empty())
        .collect();
    if links.len() < 2 {
        return ().into_any();
    }
    let ticked = RwSignal::new(vec![true; links.len()]);
    let boxes = links
        .iter()
        .enumerate()
        .map(|(i, l)| {
            view! {
                <label>
                    <input
                        type="checkbox"
                        prop:checked=move || ticked.with(|t| t[i])
                        on:change=move |ev| ticked.update(|t| t[i] = event_target_checked(&ev))
                    />
                    " " {link_name(l)}
                </label>
            }
        })
        .collect_view();
    let table = move || {
        let picked: Vec<&LinkReport> = ticked.with(|t| {
            links
                .iter()
                .zip(t)
                .filter(|(_, on)| **on)
                .map(|(l, _)| l)
                .collect()
        });
        if picked.len() < 2 {
            return view! { <p class="hint">"Tick two links or more to compare them."</p> }
                .into_any();
        }
        let order: Vec<&str> = shown.iter().map(|p| p.file_name.as_str()).collect();
        let photos = compare(&picked, &order);
        let names: Vec<String> = picked.iter().map(|l| link_name(l)).collect();
        let summary = compare_summary(&names, &photos);
        let all = names.len();
        let rows = photos
            .into_iter()
            .map(|p| {
                let thumb = shown.iter().find(|s| s.file_name == p.file_name).cloned();
                let everyone = p.chosen_by() == all;
                let name = p.file_name.clone();
                view! {
                    <tr class:all=everyone>
                        <th scope="row">
                            {thumb.map(|t| view! {
                                <a href=t.proof target="_blank" rel="noopener" aria-label=format!("Open {name} large")>
                                    <img src=t.thumb alt="" loading="lazy" width=t.width height=t.height />
                                </a>
                            })}
                            <span class="file">{p.file_name.clone()}</span>
                        </th>
                        {p.marks.iter().map(|m| view! { <td>{mark_words(*m)}</td> }).collect_view()}
                    </tr>
                }
            })
            .collect_view();
        view! {
            <p class="compare-summary" role="status">{summary}</p>
            <table class="compare-table">
                <thead>
                    <tr>
                        <th scope="col">"Photo"</th>
                        {names.into_iter().map(|n| view! { <th scope="col">{n}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="compare" aria-labelledby="compare-heading">
            <h2 id="compare-heading">"Compare links"</h2>
            <fieldset>
                <legend>"Links to compare"</legend>
                {boxes}
            </fieldset>
            {table}
        </section>
    }
    .into_any()
}
