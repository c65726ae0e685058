// The console's one script; every page reads the same without it.
(function () {
  // Every <time datetime> in the browser's own time zone, to the minute (the page as served says UTC).
  var format = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short'
  });
  document.querySelectorAll('time[datetime]').forEach(function (time) {
    var at = new Date(time.getAttribute('datetime'));
    if (!isNaN(at.getTime())) {
      time.textContent = format.format(at);
    }
  });

  // A page of a running run reloads itself every few seconds for live progress, unless the reader paused it (for
  // this tab) or is typing in a field.
  var seconds = Number(document.body.getAttribute('data-refresh'));
  var main = document.querySelector('main');
  if (!seconds || !main) {
    return;
  }
  var paused = sessionStorage.getItem('invitations.paused') === 'true';
  var bar = document.createElement('p');
  bar.className = 'live';
  var button = document.createElement('button');
  button.type = 'button';
  bar.appendChild(document.createTextNode('Live updates every ' + seconds + ' seconds. '));
  bar.appendChild(button);
  main.insertBefore(bar, main.firstChild);
  function show() {
    button.textContent = paused ? 'Resume live updates' : 'Pause live updates';
    button.setAttribute('aria-pressed', String(paused));
  }
  button.addEventListener('click', function () {
    paused = !paused;
    sessionStorage.setItem('invitations.paused', String(paused));
    show();
  });
  show();
  setInterval(function () {
    var active = document.activeElement;
    var typing = active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName);
    if (!paused && !typing) {
      location.reload();
    }
  }, seconds * 1000);
})();
