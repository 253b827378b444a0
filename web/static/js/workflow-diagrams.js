// Draws the <pre class="mermaid"> diagrams of /admin/workflows. A static file, so the page needs no inline script.
// strict: the diagram text is ours, but labels come from data; never let it run script or follow links.
mermaid.initialize({ startOnLoad: true, securityLevel: "strict" });
