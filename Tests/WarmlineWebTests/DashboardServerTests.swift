import AsyncHTTPClient
import Foundation
import Testing
import WarmlineStore
@testable import WarmlineWeb

@Suite("Dashboard server over real HTTP")
struct DashboardServerTests {
    static let token = "dashboard-token-0123456789abcdef"

    @Test("off loopback the dashboard refuses to start without a token, and refuses a short one")
    func tokenRequiredOffLoopback() throws {
        var settings = DashboardSettings()
        settings.host = "0.0.0.0"
        #expect(throws: DashboardSetupError.tokenRequired(host: "0.0.0.0")) { try settings.check() }
        settings.token = "short"
        #expect(throws: DashboardSetupError.tokenTooShort(5)) { try settings.check() }
        settings.token = Self.token
        try settings.check()
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"] {
            var loopback = DashboardSettings()
            loopback.host = host
            #expect(throws: Never.self) { try loopback.check() }
        }
    }

    @Test("warmline serve --bind 0.0.0.0 without --token-file exits 2 with the reason, before listening")
    func serveRefusesWithoutToken() async throws {
        let scratch = try Scratch("serve")
        defer { scratch.cleanUp() }
        _ = try StoreDatabase(path: scratch.file("warmline.sqlite"))
        let serve = try Child(try warmlineBinary(), ["serve", "--db", scratch.file("warmline.sqlite"), "--bind", "0.0.0.0", "--port", "0"])
        #expect(await serve.finish(upTo: 30) == 2)
        #expect(serve.stderr.contains("refusing to serve on 0.0.0.0 without a token"), "\(serve.stderr)")
    }

    @Test("with a token: 401 without it, a cookie after ?token=, Bearer accepted; the token never sits in a page")
    func tokenFlow() async throws {
        let scratch = try Scratch("token")
        defer { scratch.cleanUp() }
        let fixture = try DashboardFixture(path: scratch.file("warmline.sqlite"))
        var settings = DashboardSettings()
        settings.token = Self.token
        try await withDashboard(store: fixture.store, settings: settings) { port in
            let base = "http://127.0.0.1:\(port)"
            let denied = try await httpGet(base + "/calls")
            #expect(denied.status == 401 && denied.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
            #expect(!denied.body.contains(Self.token))
            #expect(try await httpGet(base + "/calls?token=wrong-token-wrong-token").status == 401)
            let redirect = try await httpGet(base + "/calls?outcome=reached_person&token=\(Self.token)")
            #expect(redirect.status == 303 && redirect.headers["location"] == "/calls?outcome=reached_person", "the filters survive")
            let cookie = try #require(redirect.headers["set-cookie"])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let withCookie = try await httpGet(base + "/calls", headers: [("Cookie", String(cookie.prefix { $0 != ";" }))])
            #expect(withCookie.status == 200 && withCookie.body.contains("data-call=\"call-0\""))
            #expect(!withCookie.body.contains(Self.token))
            let bearer = try await httpGet(base + "/metrics", headers: [("Authorization", "Bearer \(Self.token)")])
            #expect(bearer.status == 200)
        }
    }

    @Test("caller-supplied text is escaped on every page, the pages are read-only, and nothing is loaded from elsewhere")
    func escapingAndReadOnly() async throws {
        let scratch = try Scratch("escape")
        defer { scratch.cleanUp() }
        let fixture = try DashboardFixture(path: scratch.file("warmline.sqlite"))
        try await withDashboard(store: fixture.store) { port in
            let base = "http://127.0.0.1:\(port)"
            for path in ["/", "/calls", "/calls/\(DashboardFixture.distressCallID)", "/callbacks", "/passes"] {
                let page = try await httpGet(base + path)
                #expect(page.status == 200, "\(path)")
                #expect(!page.body.contains("<img src=x"), "\(path) shows the caller ID as markup")
                #expect(!page.body.contains("\u{1B}"), "\(path) passes an escape character through")
                #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)
                #expect(!page.body.contains("http://") && !page.body.contains("https://"), "\(path) references another origin")
                #expect(!page.body.contains("<script>") && !page.body.contains(" style=\""), "\(path) has inline script or style")
            }
            let calls = try await httpGet(base + "/calls")
            #expect(calls.body.contains("&lt;img src=x onerror=alert(1) id=injected&gt;"))
            let post = try await httpRequest(base + "/calls", method: .POST)
            #expect(post.status == 405 && post.headers["allow"] == "GET, HEAD")
            #expect(try await httpGet(base + "/calls/no-such-call").status == 404)
            #expect(try await httpGet(base + "/assets/dashboard.js").headers["content-type"]?.hasPrefix("text/javascript") == true)
        }
    }

    @Test("the live stream sends a change event when a call is written")
    func liveStreamSendsChange() async throws {
        let scratch = try Scratch("live")
        defer { scratch.cleanUp() }
        let fixture = try DashboardFixture(path: scratch.file("warmline.sqlite"))
        let store = fixture.store
        try await withDashboard(store: store) { port in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/live")
            request.method = .GET
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
            #expect(response.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
            var received = ""
            var wrote = false
            for try await chunk in response.body {
                received += String(buffer: chunk)
                if received.contains("event: hello"), !wrote {
                    wrote = true
                    try store.saveCall(CallRecord(id: "call-new", line: 1, startedAtMs: fixture.nowMs))
                }
                if received.contains("event: change") { break }
            }
            #expect(received.contains("event: change"), "\(received)")
        }
    }
}
