// htmx makes forms and links answer in place, but every page works without it: links navigate
// and forms post. So it is fetched only once the page has loaded and its first content is on
// screen. Loaded with the page (a deferred script), its download competed for bandwidth with the
// fonts', and its start-up ran in the main-thread task that laid the page out: on a throttled
// phone (Lighthouse) that one task blocked input for well over 50 ms.
(() => {
  "use strict";

  const src = document.currentScript.dataset.src;

  // On a narrow screen some tables reflow into blocks (CSS display other than table). Chromium
  // and Firefox keep a table's roles whatever its display; older Safari drops them, and
  // VoiceOver then reads the figures without their row or column. The same roles, set
  // explicitly, hold under any display. Set here, not in the markup: there they would only
  // repeat what the tags say, and the HTML checker rightly refuses them.
  function tableRoles(root) {
    for (const table of root.querySelectorAll("table:not([role])")) {
      table.setAttribute("role", "table");
      const roles = [
        ["thead, tbody, tfoot", "rowgroup"],
        ["tr", "row"],
        ["td", "cell"],
        ["th[scope=col], thead th", "columnheader"],
        ["th[scope=row], tbody th:not([scope=col])", "rowheader"],
      ];
      for (const [selector, role] of roles) {
        for (const part of table.querySelectorAll(selector)) part.setAttribute("role", role);
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => tableRoles(document));
  } else {
    tableRoles(document);
  }
  document.addEventListener("htmx:afterSettle", () => tableRoles(document));

  // A form that stays in place while htmx swaps its results (the audit desk) gets its fields'
  // error slots back out of band with each answer. A control is invalid while the slot it is
  // described by holds a message, and valid again once the answer empties it.
  document.addEventListener("htmx:afterSettle", () => {
    for (const slot of document.querySelectorAll(".desk__error[id]")) {
      const bad = slot.textContent.trim() !== "";
      for (const control of document.querySelectorAll(`[aria-describedby~="${slot.id}"]`)) {
        if (bad) control.setAttribute("aria-invalid", "true");
        else control.removeAttribute("aria-invalid");
      }
    }
  });

  // Back or Forward to an address htmx pushed (an era of the board) puts the page back without
  // loading it, so a screen reader announces nothing and focus is left on the body. Focus goes
  // to the restored era's heading, as it does when a tab opens the era.
  document.addEventListener("htmx:historyRestore", () => {
    document.querySelector(".era-block__name[tabindex]")?.focus();
  });

  // A request that never reached the site (the connection dropped, the server is down) gets
  // no answer for htmx to swap, so without this the page would look as if the click did
  // nothing. The notice is read out as an alert and cleared by the next request.
  const offline = () => document.getElementById("offline");
  for (const failed of ["htmx:sendError", "htmx:timeout"]) {
    document.addEventListener(failed, () => {
      const notice = offline();
      if (notice) notice.textContent = notice.dataset.message;
    });
  }
  // nginx's own refusals (429 past an address's limit, 502 while the app is down) are a line
  // of plain text, not a fragment of the page: swapped in, the line would take the place of the
  // card that was clicked. It goes to the same notice instead, and the page stays as it was.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    const type = xhr.getResponseHeader("Content-Type") || "";
    if (xhr.status < 400 || !type.startsWith("text/plain")) return;
    event.detail.shouldSwap = false;
    const notice = offline();
    if (notice) notice.textContent = xhr.responseText.trim();
  });
  document.addEventListener("htmx:beforeRequest", () => {
    const notice = offline();
    if (notice) notice.textContent = "";
  });

  // A press on the board while the board is still answering an earlier one waited in htmx's
  // queue (the board's hx-sync), and htmx drops a queued request whose element the earlier
  // answer took off the page: a tab's answer replaces the whole board, an Apply's its card and
  // the tabs. On a slow connection the second press did nothing, and a dropped Apply also kept
  // every tab's POSTs waiting on the lock below until its timer ran out. So a press made while
  // the board is busy waits here, and is made again on the board that answer leaves: a tab by
  // its address (a later tab press replaces an earlier waiting one, as a browser's own
  // navigation would), an Apply by its card. htmx sets up what it swaps in when it settles, a
  // moment after the answer, so the new link or form is set up first; clicked before that, it
  // would load the whole page.
  const busy = () => document.querySelector("#board .htmx-request") !== null;
  const idle = [];
  function whenIdle(then) {
    if (busy()) idle.push(then);
    else then();
  }
  document.addEventListener("htmx:afterRequest", () => {
    if (!busy()) for (const then of idle.splice(0)) then();
  });
  function press(element) {
    window.htmx.process(element.closest("form") || element);
    element.click();
  }

  let waiting = null;
  document.addEventListener("htmx:confirm", (event) => {
    const { verb, elt } = event.detail;
    if (verb !== "get" || !(elt instanceof HTMLAnchorElement) || !elt.closest("#board")) return;
    if (!busy()) return;
    event.preventDefault();
    waiting = elt.getAttribute("href");
    whenIdle(() => {
      const href = waiting;
      waiting = null;
      if (href === null) return; // a later press's turn took it
      const link = [...document.querySelectorAll("#board a[href]")].find(
        (a) => a.getAttribute("href") === href,
      );
      if (link) press(link);
      else window.location.assign(href);
    });
  });

  // An Apply whose form is gone by its turn was pressed on a card that an answer replaced.
  // If that card is on the new board with its Apply still there, the press is made again on it.
  // If the card now shows its verdict, the first of two presses already applied, and the second
  // sends nothing. If the card is not on this board (a tab opened another era), the press is
  // sent as a plain form would send it, and the page that comes back shows its verdict.
  function pressAgain(elt, triggeringEvent) {
    const button = triggeringEvent?.submitter;
    const card = elt.closest("article[id]");
    if (!button?.name || !card) return;
    const now = document.getElementById(card.id);
    if (now) {
      const same = [...now.querySelectorAll("form button[name]")].find(
        (b) => b.name === button.name && b.value === button.value,
      );
      if (same) press(same);
      return;
    }
    const form = document.createElement("form");
    form.method = "post";
    form.action = elt.getAttribute("action");
    form.hidden = true;
    const field = document.createElement("input");
    field.type = "hidden";
    field.name = button.name;
    field.value = button.value;
    form.append(field);
    document.body.append(form);
    form.submit();
  }

  // The answer to a POST (an Apply, an "I have worked with one") sets a cookie that holds the
  // whole of something: every run of the session, or the day's sightings. Two tabs posting at
  // once both sent the cookie as it was, and the answer that came back last overwrote the
  // other's: an application or a sighting was lost. hx-sync orders one page's requests, not two
  // tabs'. So a POST first takes a lock that every tab of the site shares (Web Locks) and holds
  // it until its answer is in; the next tab's POST then carries the cookie that answer set.
  // With the turn, it waits for the board to be idle (above), and a press whose form is gone by
  // then passes the turn on and is pressed again where it belongs. A browser without Web Locks
  // posts at once, as before. Should hx-sync still queue a request (behind one begun since),
  // it is confirmed again when it leaves the queue: it already holds the turn, and goes. The
  // timer only guards against an answer htmx never reports, which would otherwise hold every
  // tab's POSTs for good.
  let release = null;
  const holding = new WeakSet();
  document.addEventListener("htmx:confirm", (event) => {
    const { verb, elt, triggeringEvent } = event.detail;
    if (verb === "get" || !navigator.locks || holding.has(triggeringEvent)) return;
    event.preventDefault();
    navigator.locks.request("otiose-post", () => new Promise((resolve) => {
      whenIdle(() => {
        if (!document.body.contains(elt)) {
          resolve();
          pressAgain(elt, triggeringEvent);
          return;
        }
        if (triggeringEvent) holding.add(triggeringEvent);
        const timer = setTimeout(() => release?.(), 15000);
        release = () => {
          clearTimeout(timer);
          release = null;
          resolve();
        };
        event.detail.issueRequest(true);
      });
    }));
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.requestConfig?.verb !== "get") release?.();
  });

  function load() {
    const script = document.createElement("script");
    script.src = src;
    document.head.append(script);
  }

  // htmx 2 starts itself at once when it arrives after the load event, but waits for a
  // DOMContentLoaded that will never come if it arrives between that and load. A short timer
  // rather than a load listener: a listener of ours would run in the task that lays the page
  // out at load, and a profiler (Lighthouse) then counts that layout as waiting for this file.
  function whenComplete() {
    if (document.readyState === "complete") load();
    else setTimeout(whenComplete, 50);
  }

  // The browser files the first contentful paint once that frame is on screen; a buffered
  // observer hears of it even when it came first.
  if (!PerformanceObserver.supportedEntryTypes?.includes("paint")) {
    whenComplete();
    return;
  }
  const observer = new PerformanceObserver((entries) => {
    if (entries.getEntriesByName("first-contentful-paint").length) {
      observer.disconnect();
      whenComplete();
    }
  });
  observer.observe({ type: "paint", buffered: true });
})();
