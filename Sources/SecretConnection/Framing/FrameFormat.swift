/// Frame sizes from CometBFT `p2p/conn/secret_connection.go` (identical in v0.34, v0.37, v0.38).
/// Every frame is full size: a 4-byte little-endian length, the data, then zero padding, sealed whole.
enum FrameFormat {
    /// `dataLenSize`
    static let lengthFieldSize = 4
    /// `dataMaxSize`
    static let maxDataSize = 1024
    /// `totalFrameSize` = dataMaxSize + dataLenSize
    static let plaintextFrameSize = 1028
    /// `aeadSizeOverhead`: the Poly1305 tag
    static let tagSize = 16
    /// `sealedFrameSize` = totalFrameSize + aeadSizeOverhead
    static let sealedFrameSize = 1044
}
