#!/usr/bin/env bash
# Regenerates Sources/Etcd/Generated from etcd's own .proto files. Run by hand when etcd's API is to be
# re-read; CI never runs it (the generated files are committed).
#
# Needs: Debian's golang-etcd-server-dev (the .proto files) and protobuf-compiler (protoc), plus the two
# Swift plugins built from the same package versions as Package.swift names:
#   PROTOC_GEN_SWIFT=/path/to/protoc-gen-swift PROTOC_GEN_GRPC_SWIFT=/path/to/protoc-gen-grpc-swift-2 \
#     scripts/gen-etcd-protos.sh
# (build them in a scratch clone of grpc-swift-protobuf: `swift build -c release --product protoc-gen-grpc-swift-2`
# and `--product protoc-gen-swift`).
#
# Only what Sigil calls is kept: the KV service's Range, Put and Txn and the messages they use, copied verbatim
# from etcd's rpc.proto and kv.proto with the gogoproto and google.api annotations (Go-only) removed. The wire
# names (package etcdserverpb, service KV, field numbers) are etcd's, so the stubs talk to any etcd v3.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src=${ETCD_PROTO_ROOT:-/usr/share/gocode/src/go.etcd.io/etcd}
out=$root/Sources/Etcd/Generated
: "${PROTOC_GEN_SWIFT:?set PROTOC_GEN_SWIFT to the protoc-gen-swift binary}"
: "${PROTOC_GEN_GRPC_SWIFT:?set PROTOC_GEN_GRPC_SWIFT to the protoc-gen-grpc-swift-2 binary}"
for f in "$src/etcdserver/etcdserverpb/rpc.proto" "$src/mvcc/mvccpb/kv.proto"; do
    [ -r "$f" ] || { echo "gen-etcd-protos: $f not found; apt-get install golang-etcd-server-dev" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/etcd/mvcc/mvccpb" "$work/etcd/etcdserver/etcdserverpb"

python3 - "$src" "$work" <<'PY'
import re, sys
src, work = sys.argv[1], sys.argv[2]

def strip(text):
    text = re.sub(r'^import "(gogoproto|google/api)/[^"]*";\n', '', text, flags=re.M)
    text = re.sub(r'^option \(gogoproto\.[^;]*;\n', '', text, flags=re.M)
    text = re.sub(r'\s*\[\(gogoproto\.[^\]]*\]', '', text)
    return text

def blocks(text, kind):
    """Top-level `kind Name { ... }` blocks by name, verbatim (brace-matched)."""
    out = {}
    for m in re.finditer(r'^%s (\w+) \{' % kind, text, flags=re.M):
        depth, i = 0, m.end() - 1
        while True:
            depth += {'{': 1, '}': -1}.get(text[i], 0)
            i += 1
            if depth == 0:
                break
        out[m.group(1)] = text[m.start():i]
    return out

kv = strip(open(f"{src}/mvcc/mvccpb/kv.proto").read())
open(f"{work}/etcd/mvcc/mvccpb/kv.proto", "w").write(kv)

rpc = strip(open(f"{src}/etcdserver/etcdserverpb/rpc.proto").read())
messages = blocks(rpc, "message")
keep = ["ResponseHeader", "RangeRequest", "RangeResponse", "PutRequest", "PutResponse",
        "DeleteRangeRequest", "DeleteRangeResponse", "RequestOp", "ResponseOp", "Compare",
        "TxnRequest", "TxnResponse"]
body = "\n\n".join(messages[name] for name in keep)
head = ('syntax = "proto3";\npackage etcdserverpb;\n\nimport "etcd/mvcc/mvccpb/kv.proto";\n\n'
        'option go_package = "go.etcd.io/etcd/etcdserver/etcdserverpb";\n\n'
        '// Copied from etcd\'s rpc.proto by scripts/gen-etcd-protos.sh: the KV calls Sigil makes.\n'
        'service KV {\n'
        '  rpc Range(RangeRequest) returns (RangeResponse) {}\n'
        '  rpc Put(PutRequest) returns (PutResponse) {}\n'
        '  rpc Txn(TxnRequest) returns (TxnResponse) {}\n'
        '}\n\n')
open(f"{work}/etcd/etcdserver/etcdserverpb/rpc.proto", "w").write(head + body + "\n")
PY

rm -rf "$out"
mkdir -p "$out"
cd "$work"
protoc -I . --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" --swift_out="$out" --swift_opt=Visibility=Internal,FileNaming=DropPath \
    etcd/mvcc/mvccpb/kv.proto etcd/etcdserver/etcdserverpb/rpc.proto
protoc -I . --plugin=protoc-gen-grpc-swift="$PROTOC_GEN_GRPC_SWIFT" --grpc-swift_out="$out" \
    --grpc-swift_opt=Visibility=Internal,Server=false,Client=true,FileNaming=DropPath \
    etcd/etcdserver/etcdserverpb/rpc.proto
find "$out" -name '*.swift' | sort | sed "s|^$root/||"
