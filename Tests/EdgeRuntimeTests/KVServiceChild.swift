import Foundation

/// A test precondition that did not hold.
struct RuntimeTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
