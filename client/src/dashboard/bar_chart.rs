//! A horizontal bar chart drawn as SVG by the app, with its figures as a table beside it for
//! screen readers (and for anyone reading the numbers): presentational, rows and texts in,
//! markup out. A row with a link opens it when its bar or label is clicked (or activated from
//! the table).

use std::rc::Rc;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::dashboard::chart::{lay_out, CHART_WIDTH};

/// One row of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartRow {
    /// A stable key (a stage key, an account id…), also on the table row as `data-key`.
    pub key: AttrValue,
    /// What the row is, as shown.
    pub label: AttrValue,
    /// One value per series (minor units, or counts).
    pub values: Vec<i64>,
    /// Each value as shown (formatted money or number).
    pub texts: Vec<AttrValue>,
    /// The records behind the row, when the app can open them.
    pub link: Option<Route>,
}

/// A chart's properties.
#[derive(Properties, PartialEq)]
pub struct BarChartProps {
    /// The figure's id (tests and the page's anchors find it by it).
    pub id: AttrValue,
    /// Its title.
    pub title: AttrValue,
    /// The header of the table's first column (what a row is).
    pub label_header: AttrValue,
    /// The series' names, in value order.
    pub series: Vec<AttrValue>,
    /// The rows.
    pub rows: Rc<Vec<ChartRow>>,
}

/// The chart.
#[component]
pub fn BarChart(props: &BarChartProps) -> Html {
    let navigator = use_navigator();
    let title_id = format!("{}-title", props.id);
    let values: Vec<Vec<i64>> = props.rows.iter().map(|row| row.values.clone()).collect();
    let layout = lay_out(&values);
    let open = |route: Route| {
        let navigator = navigator.clone();
        Callback::from(move |event: MouseEvent| {
            if let Some(navigator) = &navigator {
                event.prevent_default();
                navigator.push(&route);
            }
        })
    };
    let drawn = props.rows.iter().zip(&layout.rows).map(|(row, laid)| {
        let bars = laid.bars.iter().enumerate().map(|(series, bar)| {
            let text = row.texts.get(series).cloned().unwrap_or_default();
            html! {
                <>
                    <rect class={format!("chart-bar series-{series}")} x="0" y={bar.y.to_string()}
                        width={bar.width.to_string()} height={bar.height.to_string()} rx="2" />
                    <text class="chart-value" x={bar.text_x.to_string()} y={bar.text_y.to_string()}>
                        { text }
                    </text>
                </>
            }
        });
        let content = html! {
            <>
                // The whole row answers a click or a tap, not only its ink.
                <rect class="chart-hit" fill="transparent" x="0" y={laid.top.to_string()}
                    width={CHART_WIDTH.to_string()} height={laid.height.to_string()} />
                <text class="chart-label" x="0" y={laid.label_y.to_string()}>{ row.label.clone() }</text>
                { for bars }
            </>
        };
        match &row.link {
            Some(route) => html! {
                <a class="chart-bar-link" href={route.to_path()} data-key={row.key.clone()}
                    onclick={open(route.clone())}>
                    <title>{ row.label.clone() }</title>
                    { content }
                </a>
            },
            None => html! { <g data-key={row.key.clone()}>{ content }</g> },
        }
    });
    let legend = (props.series.len() > 1).then(|| {
        html! {
            <ul class="chart-legend" aria-hidden="true">
                { for props.series.iter().enumerate().map(|(series, name)| html! {
                    <li><span class={format!("chart-swatch series-{series}")}></span>{ name.clone() }</li>
                }) }
            </ul>
        }
    });
    html! {
        <figure class="chart" id={props.id.clone()}>
            <figcaption id={title_id.clone()} class="chart-title">{ props.title.clone() }</figcaption>
            { legend }
            <svg class="chart-svg" viewBox={format!("0 0 {CHART_WIDTH} {}", layout.height)}
                role="img" aria-labelledby={title_id} preserveAspectRatio="xMinYMin meet">
                { for drawn }
            </svg>
            <table class="visually-hidden chart-table">
                <caption>{ props.title.clone() }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ props.label_header.clone() }</th>
                        { for props.series.iter().map(|name| html! { <th scope="col">{ name.clone() }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for props.rows.iter().map(|row| html! {
                        <tr data-key={row.key.clone()}>
                            <th scope="row">
                                if let Some(route) = &row.link {
                                    <Link<Route> to={route.clone()}>{ row.label.clone() }</Link<Route>>
                                } else {
                                    { row.label.clone() }
                                }
                            </th>
                            { for row.texts.iter().map(|text| html! { <td>{ text.clone() }</td> }) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </figure>
    }
}
