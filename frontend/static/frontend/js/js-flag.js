// Marks the page as scripted before it is drawn (styles for "js" / "no-js" differ). A file, not an
// inline script: the Content-Security-Policy allows scripts from our own origin only.
document.documentElement.classList.add("js");
