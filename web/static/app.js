// The workspace's small behaviours: "/" focuses the search box; page flipping; a field
// selected marks its place on the page image (box as fractions of the page).
(function () {
  document.addEventListener("keydown", function (e) {
    var q = document.getElementById("q");
    if (e.key === "/" && q && document.activeElement !== q && !/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) {
      e.preventDefault(); q.focus(); q.select();
    }
  });
  var wrap = document.getElementById("pagewrap");
  if (!wrap) return;
  var img = document.getElementById("pageimg"), mark = document.getElementById("mark");
  var pages = parseInt(wrap.dataset.pages, 10), doc = wrap.dataset.doc, current = 1, pending = null;
  function show(n, onload) {
    if (n < 1 || n > pages) return;
    current = n;
    document.getElementById("pageno").textContent = n;
    mark.hidden = true;
    if (img.dataset.page === String(n) && img.complete) { if (onload) onload(); return; }
    img.onload = function () { img.dataset.page = String(n); if (onload) onload(); };
    img.src = "/doc/" + doc + "/page/" + n + ".png";
    img.alt = "Ảnh trang " + n;
  }
  img.dataset.page = "1";
  document.querySelectorAll("[data-page-step]").forEach(function (b) {
    b.addEventListener("click", function () { show(current + parseInt(b.dataset.pageStep, 10)); });
  });
  document.addEventListener("keydown", function (e) {
    if (/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) return;
    if (e.key === "PageDown" || e.key === "]") { show(current + 1); }
    if (e.key === "PageUp" || e.key === "[") { show(current - 1); }
  });
  document.querySelectorAll("button.field").forEach(function (b) {
    b.addEventListener("click", function () {
      var box = b.dataset.box.split(",").map(parseFloat), page = parseInt(b.dataset.page, 10);
      show(page, function () {
        mark.style.left = (box[0] * 100) + "%"; mark.style.top = (box[1] * img.clientHeight) + "px";
        mark.style.width = ((box[2] - box[0]) * 100) + "%"; mark.style.height = ((box[3] - box[1]) * img.clientHeight) + "px";
        mark.hidden = false;
        wrap.scrollTop = Math.max(0, box[1] * img.clientHeight - 80);
      });
    });
  });
})();
