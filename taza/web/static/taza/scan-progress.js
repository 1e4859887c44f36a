// Follow a space-monitoring scan: poll its JSON status and move the progress bar.
(function () {
  var status = document.getElementById("scan-status"), bar = document.getElementById("scan-progress");
  if (!status || !bar) { return; }
  function poll() {
    fetch(status.dataset.url).then(function (r) { return r.json(); }).then(function (d) {
      bar.max = d.tiles_total; bar.value = d.tiles_done;
      status.textContent = d.status_line;  // worded by the server, in the reader's language
      status.dataset.polled = d.status;
      if (d.status === "running" || d.status === "queued") { setTimeout(poll, 2000); }
    });
  }
  setTimeout(poll, 2000);
}());
