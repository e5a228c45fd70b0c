import Foundation

/// A file system error in a few words: "no space left on the device", the POSIX code, or Foundation's text.
public func describeFileError(_ error: Error) -> String {
    let ns = error as NSError
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
        let code = POSIXErrorCode(rawValue: Int32(underlying.code))
    {
        return code == .ENOSPC ? "no space left on the device" : String(describing: code)
    }
    if ns.domain == NSPOSIXErrorDomain, ns.code == Int(ENOSPC) { return "no space left on the device" }
    return ns.localizedDescription
}
