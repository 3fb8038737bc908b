import Logging
import Privval
import Sockets

/// One connection's request loop: read a delimited request, answer it, repeat, strictly in order,
/// which is what the node's SignerClient expects (one request in flight).
struct Session {
    let stream: ByteStream
    let handler: RequestHandler
    var decoder = DelimitedDecoder()

    init(stream: ByteStream, handler: RequestHandler, maxMessageSize: Int = 1 << 20) {
        self.stream = stream
        self.handler = handler
        self.decoder = DelimitedDecoder(maxMessageSize: maxMessageSize)
    }

    /// Returns when the node hangs up or the stream fails; a malformed frame ends the session with an error,
    /// since the byte stream can no longer be trusted to be in step.
    mutating func run() throws {
        while true {
            while let bytes = try decoder.next() {
                let request = try PrivvalMessage(decoding: bytes, dialect: handler.dialect)
                let reply = handler.handle(request)
                try stream.write(Delimited.frame(reply.encoded()))
            }
            decoder.append(try stream.read(maxLength: 64 * 1024))
        }
    }
}
