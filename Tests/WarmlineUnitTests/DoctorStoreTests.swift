import Foundation
import Testing
@testable import WarmlineUnit

@Suite("Doctor+Store")
struct DoctorStoreTests {
    @Test("a database that cannot be created fails with what to check; too little disk fails with how much there is")
    func databaseAndDisk() throws {
        var bench = try DoctorBench(serialDevice: "/dev/null")
        defer { bench.scratch.cleanUp() }
        try bench.scratch.write("plain-file", "not a directory")
        bench.config.databasePath = bench.scratch.file("plain-file/warmline.sqlite")
        let database = bench.doctor().databaseCheck()
        #expect(database.status == .fail)
        #expect(database.fix?.contains("writable by the service user") == true)
        var doctor = bench.doctor()
        doctor.minimumFreeBytes = Int64.max
        let disk = doctor.diskCheck()
        #expect(disk.status == .fail && disk.detail.contains("MB free"))
    }

    @Test("a fresh database is created, writable and passes integrity_check")
    func freshDatabase() throws {
        let bench = try DoctorBench(serialDevice: "/dev/null")
        defer { bench.scratch.cleanUp() }
        let check = bench.doctor().databaseCheck()
        #expect(check == .ok("database \(bench.config.databasePath)", "created, writable, integrity_check ok"))
        #expect(bench.doctor().databaseCheck().detail == "writable, integrity_check ok")
    }
}
