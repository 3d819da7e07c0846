#!/usr/bin/env python3
"""Drives the Warmline dashboard in a real headless Chromium (selenium + chromedriver): test tooling, never shipped.

Loads every page at 1280x800, checks today's figures against `warmline report --format json` for the same database
(--expect), checks escaping, filters, the call timeline, callbacks and passes, then writes a call into the database
while the overview is open and waits for it to appear without a reload. Screenshots go to --out. Prints one line per
check and exits 1 on the first failure.
"""
import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--expect", required=True, help="warmline report --format json output")
    parser.add_argument("--out", required=True)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--distress-call", required=True)
    parser.add_argument("--whisper", required=True)
    parser.add_argument("--running-base", help="a dashboard whose unit answers (lines now shown)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    expected = json.load(open(args.expect))

    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,800",
                 "--hide-scrollbars", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                 "--user-data-dir=" + tempfile.mkdtemp(prefix="warmline-chromium-")]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=args.chromedriver), options=options)
    driver.set_page_load_timeout(30)
    # the window's frame takes part of --window-size: pin the page's own viewport to 1280x800
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    failures = []

    def check(name, ok, detail=""):
        print(("ok    " if ok else "FAIL  ") + name + (": " + str(detail) if detail else ""), flush=True)
        if not ok:
            failures.append(name)

    def shot(name):
        path = os.path.join(args.out, "dashboard-%s.png" % name)
        driver.save_screenshot(path)
        print("screenshot " + path, flush=True)

    def figure(key):
        return driver.find_element(By.CSS_SELECTOR, '[data-figure="%s"]' % key)

    try:
        driver.get(args.base + "/")
        WebDriverWait(driver, 15).until(lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "live")
        check("overview: the live stream connects", True)
        size = driver.execute_script("return [window.innerWidth, window.innerHeight]")
        check("overview: viewport is 1280x800", size == [1280, 800], size)
        for key in ["calls", "answered", "distress_handoffs", "agent_requests", "day_passes_granted", "callbacks",
                    "abandoned_before_person", "released_to_bypass"]:
            shown = figure(key).find_element(By.CLASS_NAME, "value").text
            check("overview: %s matches warmline report" % key, shown == str(expected[key]), "%s vs %s" % (shown, expected[key]))
        for key in ["p50_ms", "p95_ms", "max_ms"]:
            shown = figure("handoff_latency." + key).get_attribute("data-ms")
            want = expected["handoff_latency"].get(key)
            check("overview: hand-off latency %s matches warmline report" % key, shown == ("" if want is None else str(want)),
                  "%s vs %s" % (shown, want))
        buckets = driver.find_elements(By.CSS_SELECTOR, "rect.bucket")
        total = sum(int(b.get_attribute("data-count")) for b in buckets)
        check("overview: the latency histogram holds every timed hand-off", total == expected["handoff_latency"]["count"],
              "%d bars, %d vs %d" % (len(buckets), total, expected["handoff_latency"]["count"]))
        bars = driver.find_elements(By.CSS_SELECTOR, "rect.bar")
        check("overview: the hourly bars hold every call of the day",
              sum(int(b.get_attribute("data-calls")) for b in bars) == expected["calls"])
        check("overview: 'service not running' is shown when no service answers",
              len(driver.find_elements(By.CSS_SELECTOR, '[data-service="not-running"]')) == 1)
        check("overview: the hostile caller ID is text, not markup",
              len(driver.find_elements(By.ID, "injected")) == 0 and "<img src=x" in driver.find_element(By.ID, "content").text)
        external = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin))")
        check("overview: nothing is fetched from another origin", external == [], external)
        overflow = driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        check("overview: no horizontal scrolling at 1280 px", overflow)
        shot("overview")

        driver.get(args.base + "/calls?outcome=reached_person")
        rows = driver.find_elements(By.CSS_SELECTOR, "table.calls tbody tr")
        outcomes = {r.find_element(By.CSS_SELECTOR, "[data-outcome]").get_attribute("data-outcome") for r in rows}
        check("calls: the outcome filter shows only handed-off calls", outcomes == {"reached_person"} and len(rows) > 0,
              "%d rows, %s" % (len(rows), outcomes))
        driver.get(args.base + "/calls?distress=1")
        rows = driver.find_elements(By.CSS_SELECTOR, "table.calls tbody tr")
        check("calls: the distress filter shows the distress call alone",
              [r.get_attribute("data-call") for r in rows] == [args.distress_call], [r.get_attribute("data-call") for r in rows])
        driver.get(args.base + "/calls?outcome=nonsense")
        check("calls: an unknown outcome is refused on the page, naming the field",
              len(driver.find_elements(By.CSS_SELECTOR, '[data-error="outcome"]')) == 1)
        driver.get(args.base + "/calls")
        shot("calls")

        driver.get(args.base + "/calls/" + args.distress_call)
        reasons = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "ul.reasons li")]
        check("call: the distress reasons are listed", len(reasons) == 3 and any("distress_keyword" in r for r in reasons), reasons)
        whisper = driver.find_element(By.CSS_SELECTOR, "blockquote.whisper").text
        check("call: the agent whisper is shown", whisper == args.whisper, whisper)
        check("call: every event is in the timeline", len(driver.find_elements(By.CSS_SELECTOR, "table.timeline tbody tr")) == 9)
        check("call: the hostile caller ID is text, not markup", len(driver.find_elements(By.ID, "injected")) == 0)
        shot("call")

        driver.get(args.base + "/callbacks")
        check("callbacks: both requests are listed", len(driver.find_elements(By.CSS_SELECTOR, "tr[data-callback]")) == 2)
        check("callbacks: a reason with markup is shown as text",
              "<b>bold</b> & \"quoted\"" in driver.find_element(By.ID, "content").text and
              len(driver.find_elements(By.CSS_SELECTOR, "#content td b")) == 0)
        driver.get(args.base + "/passes")
        states = sorted(e.get_attribute("data-state") for e in driver.find_elements(By.CSS_SELECTOR, "span.badge[data-state]"))
        check("passes: one pass active (acknowledged), one requested (waiting for billing)", states == ["active", "requested"], states)
        check("passes: the outbox lists the entry waiting for billing", len(driver.find_elements(By.CSS_SELECTOR, "tr[data-outbox]")) == 1)
        shot("passes")

        # live: a call written while the page is open appears without a reload
        driver.get(args.base + "/")
        WebDriverWait(driver, 15).until(lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "live")
        driver.execute_script("window.__sameDocument = 1")
        calls_before = int(figure("calls").find_element(By.CLASS_NAME, "value").text)
        call_id = "call-live-%d" % int(time.time() * 1000)
        now_ms = int(time.time() * 1000)
        written_at = time.monotonic()
        db = sqlite3.connect(args.db, timeout=10)
        with db:
            db.execute("INSERT INTO calls (id, line, caller_id, started_at_ms, answered_at_ms) VALUES (?, 3, '+15557777', ?, ?)",
                       (call_id, now_ms, now_ms + 500))
            db.execute("INSERT INTO events (call_id, frame_time, wall_time_ms, type, payload) VALUES (?, 0, ?, 'call.answered', '{\"language\":\"en\"}')",
                       (call_id, now_ms + 500))
        db.close()
        WebDriverWait(driver, 15).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, 'tr[data-call="%s"]' % call_id)) == 1)
        seen_after = time.monotonic() - written_at
        check("live: the new call appears without a reload",
              driver.execute_script("return window.__sameDocument === 1"), "%.1f s after the write" % seen_after)
        calls_after = int(figure("calls").find_element(By.CLASS_NAME, "value").text)
        check("live: today's call count went up by one", calls_after == calls_before + 1, "%d -> %d" % (calls_before, calls_after))
        check("live: the new call is marked in progress",
              "in progress" in driver.find_element(By.CSS_SELECTOR, 'tr[data-call="%s"]' % call_id).text)
        time.sleep(0.3)
        shot("live")

        if args.running_base:
            driver.get(args.running_base + "/")
            WebDriverWait(driver, 15).until(lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "live")
            cards = driver.find_elements(By.CSS_SELECTOR, ".line-card")
            check("lines now: one card per line of the running unit", len(cards) == 4, len(cards))
            check("lines now: the line on the bypass relay and the line whose board is down stand out",
                  len(driver.find_elements(By.CSS_SELECTOR, ".line-card.bypass")) == 1 and
                  len(driver.find_elements(By.CSS_SELECTOR, ".line-card.down")) == 1)
            check("lines now: no 'service not running' while the unit answers",
                  len(driver.find_elements(By.CSS_SELECTOR, '[data-service="not-running"]')) == 0)
            shot("lines")

        severe = [entry["message"] for entry in driver.get_log("browser")
                  if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]]
        check("no console errors (content security policy, scripts)", severe == [], severe)
    finally:
        driver.quit()
    print("browser checks: %d failed" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
