//! Where the component tests in Chromium render (each test file is its own crate).

/// A new element attached to the document's body, for a Yew app to render into.
pub(crate) fn mounted_root() -> Result<web_sys::Element, String> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or("no document")?;
    let root = document.create_element("div").map_err(|_| "no div")?;
    document
        .body()
        .ok_or("no body")?
        .append_child(&root)
        .map_err(|_| "cannot attach the root")?;
    Ok(root)
}
