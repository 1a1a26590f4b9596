// The TRM metadata of an exported step file, read from the ONNX bytes themselves: ONNX Runtime Web
// does not hand out a model's metadata_props, so this walks the ModelProto's top-level fields
// (protobuf wire format) and keeps field 14, the string-to-string entries, as a Map.

const METADATA_PROPS = 14; // ModelProto.metadata_props
const KEY = 1;
const VALUE = 2;
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

class Reader {
  constructor(bytes, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.at = start;
    this.end = end;
  }

  more() {
    return this.at < this.end;
  }

  varint() {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.at >= this.end) throw new Error("not an ONNX file: a number runs past the end");
      const b = this.bytes[this.at++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  }

  /** The next field as { field, wire, start, end } (start/end of a length-delimited payload). */
  field() {
    const tag = this.varint();
    const wire = tag % 8;
    const field = Math.floor(tag / 8);
    let start = this.at;
    if (wire === VARINT) this.varint();
    else if (wire === FIXED64) this.at += 8;
    else if (wire === FIXED32) this.at += 4;
    else if (wire === LENGTH_DELIMITED) {
      const length = this.varint();
      start = this.at;
      this.at += length;
    } else throw new Error(`not an ONNX file: wire type ${wire} at byte ${start}`);
    if (this.at > this.end) throw new Error("not an ONNX file: a field runs past the end");
    return { field, wire, start, end: this.at };
  }
}

const text = new TextDecoder();

/** Every metadata_props entry of an ONNX model, in file order. */
export function readMetadata(bytes) {
  const model = new Reader(bytes);
  const metadata = new Map();
  while (model.more()) {
    const f = model.field();
    if (f.field !== METADATA_PROPS || f.wire !== LENGTH_DELIMITED) continue;
    const entry = new Reader(bytes, f.start, f.end);
    let key = "";
    let value = "";
    while (entry.more()) {
      const e = entry.field();
      if (e.field === KEY) key = text.decode(bytes.subarray(e.start, e.end));
      if (e.field === VALUE) value = text.decode(bytes.subarray(e.start, e.end));
    }
    metadata.set(key, value);
  }
  return metadata;
}
