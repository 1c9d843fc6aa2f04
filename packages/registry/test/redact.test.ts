import { describe, expect, it } from "vitest";
import { oneLine, redactText, redactUrl } from "../src/remote/redact.js";

describe("redactUrl", () => {
  it("drops user info and masks query values except the spec's own parameters", () => {
    expect(redactUrl("https://user:pass@r.io/v2/app/blobs/uploads/uuid?_state=SIGNED&digest=sha256:abc")).toBe(
      "https://r.io/v2/app/blobs/uploads/uuid?_state=***&digest=sha256:abc",
    );
    expect(redactUrl("https://bucket.s3.amazonaws.com/data?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA%2F1&token=t0k")).toBe(
      "https://bucket.s3.amazonaws.com/data?X-Amz-Signature=***&X-Amz-Credential=***&token=***",
    );
    expect(redactUrl(new URL("http://127.0.0.1:5000/v2/a/blobs/uploads/?mount=sha256:1&from=b/c"))).toBe(
      "http://127.0.0.1:5000/v2/a/blobs/uploads/?mount=sha256:1&from=b/c",
    );
    expect(redactUrl("not a url")).toBe("<invalid url>");
  });
});

describe("redactText", () => {
  it("masks authorization values, URLs' secrets and the given secrets", () => {
    const text = "sent Authorization: Bearer eyJhbGciOiJFUzI1NiJ9.payload.sig to https://r.io/x?access_token=abc and Basic YWxpY2U6c2VjcmV0 with pw hunter22";
    const out = redactText(text, ["hunter22"]);
    expect(out).toBe("sent Authorization: Bearer *** to https://r.io/x?access_token=*** and Basic *** with pw ***");
  });
});

describe("oneLine", () => {
  it("flattens and shortens", () => {
    expect(oneLine("a\n  b\tc")).toBe("a b c");
    expect(oneLine("x".repeat(300), 10)).toBe(`${"x".repeat(9)}…`);
  });
});
