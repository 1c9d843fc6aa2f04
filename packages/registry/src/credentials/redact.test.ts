import { describe, expect, it } from "vitest";
import { redact } from "./redact.js";

describe("redact", () => {
  it("replaces every occurrence of every secret, longest first", () => {
    expect(redact("token abc and abcdef, again abc", ["abc", "abcdef"])).toBe("token *** and ***, again ***");
  });

  it("ignores empty and missing secrets", () => {
    expect(redact("nothing to hide", ["", undefined])).toBe("nothing to hide");
  });
});
