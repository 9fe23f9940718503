//! A quote of 200 lines stays fluid: typing into a line's unit price, measured in headless
//! Chromium from the keystroke (an `input` event) to the new total on screen, against a peer in
//! the same browser and the same run: the same 200-line table written by hand in plain DOM
//! JavaScript (integer cents, totals per VAT rate recomputed on each keystroke), which is the
//! least any page can do for that keystroke.
//!
//! Two times per keystroke: until the total's text changed in the DOM (a `MutationObserver`),
//! and until the next animation frame after it (what reaches the screen). p50 and p95 of each,
//! written to `target/bench/quote.json`. Run with `cargo xtask bench quote`.

use std::time::Duration;

use serde_json::json;
use tests::bench::{filtered_out, number, write_report};
use tests::{Device, HarnessError, HarnessResult, TestServer};

/// Lines on the quote.
const LINES: usize = 200;
/// Keystrokes measured on each side.
const KEYSTROKES: usize = 60;

#[tokio::main]
async fn main() -> HarnessResult {
    if filtered_out("quote") {
        return Ok(());
    }
    let server = TestServer::start_demo(1).await?;
    let device = Device::open_with_wait("bench", server.port(), Duration::from_secs(600)).await?;
    let outcome = measure(&device).await;
    device.close().await?;
    outcome
}

/// The script timing `KEYSTROKES` keystrokes into `input()` (an expression naming the input)
/// until `total()` (an expression naming the total's element) changes.
fn keystrokes(input: &str, total: &str) -> String {
    format!(
        "return (async () => {{
           const input = {input};
           const total = {total};
           if (!input || !total) throw new Error('nothing to type into');
           const dom = [], frame = [];
           for (let i = 0; i < {KEYSTROKES}; i++) {{
             const before = total.textContent;
             const text = String(2 + (i % 7)) + (i % 2 ? '.5' : '');
             let changed = null;
             const observer = new MutationObserver(() => {{
               if (changed === null && total.textContent !== before) changed = performance.now();
             }});
             observer.observe(total, {{ subtree: true, childList: true, characterData: true }});
             const began = performance.now();
             input.value = text;
             input.dispatchEvent(new InputEvent('input', {{ bubbles: true, data: text, inputType: 'insertText' }}));
             await new Promise((resolve, reject) => {{
               const limit = began + 5000;
               const check = () => {{
                 if (changed !== null) return resolve();
                 if (performance.now() > limit) return reject(new Error('the total never changed'));
                 requestAnimationFrame(check);
               }};
               check();
             }});
             await new Promise((resolve) => requestAnimationFrame(resolve));
             observer.disconnect();
             dom.push(changed - began);
             frame.push(performance.now() - began);
           }}
           const percentile = (values, p) => {{
             const sorted = [...values].sort((a, b) => a - b);
             return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
           }};
           return {{
             dom_p50_ms: percentile(dom, 0.5), dom_p95_ms: percentile(dom, 0.95),
             frame_p50_ms: percentile(frame, 0.5), frame_p95_ms: percentile(frame, 0.95),
           }};
         }})();"
    )
}

/// The peer: the same table in plain DOM JavaScript, totals recomputed on each keystroke.
const PEER: &str = "
  document.body.innerHTML = '';
  const table = document.createElement('table');
  const rows = [];
  for (let i = 0; i < LINES; i++) {
    const row = table.insertRow();
    const cells = ['Ligne ' + i, '1', '12.50', '', '20'].map((value) => {
      const input = document.createElement('input');
      input.value = value;
      row.insertCell().appendChild(input);
      return input;
    });
    const net = row.insertCell();
    rows.push({ cells, net });
  }
  const totals = document.createElement('dl');
  const totalNet = document.createElement('dd');
  totalNet.id = 'peer-total';
  totals.appendChild(totalNet);
  document.body.append(table, totals);
  const cents = (text) => Math.round(parseFloat(text.replace(',', '.')) * 100) || 0;
  const recompute = () => {
    let net = 0; const byRate = new Map();
    for (const { cells, net: cell } of rows) {
      const quantity = Math.round((parseFloat(cells[1].value.replace(',', '.')) || 0) * 1000);
      const line = Math.round(quantity * cents(cells[2].value) * (10000 - cents(cells[3].value)) / 1e7);
      cell.textContent = (line / 100).toFixed(2) + ' €';
      net += line;
      const rate = cents(cells[4].value);
      byRate.set(rate, (byRate.get(rate) || 0) + line);
    }
    let gross = net;
    for (const [rate, base] of byRate) gross += Math.round(base * rate / 10000);
    totalNet.textContent = (net / 100).toFixed(2) + ' € / ' + (gross / 100).toFixed(2) + ' €';
  };
  table.addEventListener('input', recompute);
  recompute();
  return true;";

async fn measure(device: &Device) -> HarnessResult {
    device.sign_in("manon@demo.carnet.test").await?;
    device.wait_until_synced().await?;
    device.goto("/").await?;
    device
        .fill("#account-name", "Boulangerie du Banc d'essai")
        .await?;
    device.fill("#account-city", "Lyon").await?;
    device.click("#create-account").await?;
    device
        .wait_for_text(".account-name", "Boulangerie du Banc d'essai")
        .await?;
    device.click(".account-row a").await?;
    device.wait_for("#new-quote").await?;
    device
        .evaluate("document.querySelector('#new-quote').click(); return true;")
        .await?;
    device.wait_for("#quote-number").await?;
    eprintln!("quote bench: adding {LINES} lines…");
    let added = device
        .evaluate(&format!(
            "return (async () => {{
               const field = () => document.querySelector('#free-line-description');
               for (let i = 0; i < {LINES}; i++) {{
                 const input = field();
                 input.value = 'Ligne ' + i;
                 input.dispatchEvent(new InputEvent('input', {{ bubbles: true }}));
                 await new Promise((resolve) => requestAnimationFrame(resolve));
                 document.querySelector('#add-free-line').click();
                 const deadline = performance.now() + 10000;
                 while (document.querySelectorAll('.sales-line').length <= i) {{
                   if (performance.now() > deadline) throw new Error('line ' + i + ' never appeared');
                   await new Promise((resolve) => requestAnimationFrame(resolve));
                 }}
               }}
               return document.querySelectorAll('.sales-line').length;
             }})();"
        ))
        .await?;
    if added != json!(LINES) {
        return Err(HarnessError::Unexpected(format!(
            "the quote holds {added} lines"
        )));
    }
    let middle = LINES / 2;
    let app = device
        .evaluate(&keystrokes(
            &format!(
                "document.querySelectorAll('.sales-line')[{middle}].querySelector('.line-price')"
            ),
            "document.querySelector('#total-net')",
        ))
        .await?;
    eprintln!("  Carnet: {app}");
    // The peer runs in a blank page of the same browser, the app gone.
    device
        .evaluate("location.replace('about:blank'); return true;")
        .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    device
        .evaluate(&PEER.replace("LINES", &LINES.to_string()))
        .await?;
    let peer = device
        .evaluate(&keystrokes(
            &format!("document.querySelectorAll('tr')[{middle}].querySelectorAll('input')[2]"),
            "document.querySelector('#peer-total')",
        ))
        .await?;
    eprintln!("  plain DOM peer: {peer}");
    let report = json!({
        "lines": LINES,
        "keystrokes": KEYSTROKES,
        "carnet": app,
        "plain_dom_peer": peer,
        "carnet_frame_p95_ms": number(&app, "frame_p95_ms"),
        "target_frame_p95_ms": 16.0,
    });
    let path = write_report("quote", &report)?;
    eprintln!("  report: {}", path.display());
    Ok(())
}
