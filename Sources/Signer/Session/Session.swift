import Dispatch
import Logging
import Privval
import Sockets

/// One connection's request loop: read a delimited request, answer it, repeat, strictly in order,
/// which is what the node's SignerClient expects (one request in flight).
struct Session {
    let stream: ByteStream
    let handler: RequestHandler
    let link: LinkInfo
    let recorder: any SignerRecorder
    var decoder = DelimitedDecoder()

    init(stream: ByteStream, handler: RequestHandler, link: LinkInfo, recorder: any SignerRecorder = NoRecorder(),
         maxMessageSize: Int = 1 << 20) {
        self.stream = stream
        self.handler = handler
        self.link = link
        self.recorder = recorder
        self.decoder = DelimitedDecoder(maxMessageSize: maxMessageSize)
    }

    /// Returns when the node hangs up or the stream fails; a malformed frame ends the session with an error,
    /// since the byte stream can no longer be trusted to be in step.
    mutating func run() throws {
        while true {
            while let bytes = try decoder.next() {
                let request = try PrivvalMessage(decoding: bytes, dialect: handler.dialect)
                let started = DispatchTime.now().uptimeNanoseconds
                let (reply, event) = handler.respond(request)
                try stream.write(Delimited.frame(reply.encoded()))
                // Only now, with the state durable and the reply sent, does anyone else hear about it.
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                recorder.answered(link, event, roundTripSeconds: elapsed)
            }
            decoder.append(try stream.read(maxLength: 64 * 1024))
        }
    }
}
