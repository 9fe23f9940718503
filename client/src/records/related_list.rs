//! Records linked to the one on screen (an account's contacts and deals, a contact's
//! accounts), each a link to its page.

use yew::prelude::*;
use yew_router::prelude::Link;

use crate::app::Route;

/// One linked record.
#[derive(Clone, Debug, PartialEq)]
pub struct RelatedItem {
    /// Where its page is.
    pub route: Route,
    /// Its name or title.
    pub title: AttrValue,
    /// A second line (job title, stage and amount…), possibly empty.
    pub detail: AttrValue,
}

/// Props of [`RelatedList`].
#[derive(Properties, PartialEq)]
pub struct RelatedListProps {
    /// The section's element id.
    pub id: AttrValue,
    /// The section's title.
    pub title: AttrValue,
    /// What to say when there is nothing.
    pub empty: AttrValue,
    /// The linked records.
    pub items: Vec<RelatedItem>,
}

/// A titled list of links.
#[component]
pub fn RelatedList(props: &RelatedListProps) -> Html {
    let heading = format!("{}-title", props.id);
    html! {
        <section id={props.id.clone()} class="card related" aria-labelledby={heading.clone()}>
            <h2 id={heading} class="section-title">
                { props.title.clone() }
                <span class="count">{ format!(" {}", props.items.len()) }</span>
            </h2>
            if props.items.is_empty() {
                <p class="muted">{ props.empty.clone() }</p>
            }
            <ul class="related-list">
                { for props.items.iter().map(|item| html! {
                    <li class="related-item">
                        <Link<Route> to={item.route.clone()} classes="related-link">
                            <span class="related-title">{ item.title.clone() }</span>
                            if !item.detail.is_empty() {
                                <span class="related-detail muted">{ item.detail.clone() }</span>
                            }
                        </Link<Route>>
                    </li>
                }) }
            </ul>
        </section>
    }
}
