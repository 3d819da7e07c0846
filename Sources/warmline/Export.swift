import ArgumentParser
import Foundation
import WarmlineStore

/// `warmline export --to DIR`: a database copy, CSV of every table and a manifest with SHA-256, for a USB stick.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export a consistent database copy, CSV of every table and a checksummed manifest.")

    @OptionGroup var listing: ListingOption

    @Option(help: ArgumentHelp("Directory to create (or an empty one).", valueName: "dir"))
    var to: String

    func run() throws {
        let context = try listing.open()
        let store = context.store
        let manifest: ExportManifest
        do {
            manifest = try store.export(to: to, format: context.format)
        } catch let error as StoreError {
            throw CommandFailure.badInput("\(error)")
        } catch {
            throw CommandFailure.runtime("export to \(to) failed: \(error)")
        }
        print(TextTable.render(header: ["FILE", "ROWS", "BYTES", "SHA-256"], rows: manifest.files.map { file in
            [file.name, file.rows.map(String.init) ?? "-", String(file.bytes), file.sha256]
        }))
        print("wrote \(manifest.files.count) files, \(ExportManifest.manifestFileName) and \(ExportManifest.checksumFileName) to \(to) (check with: cd \(to) && sha256sum -c \(ExportManifest.checksumFileName))")
    }
}
