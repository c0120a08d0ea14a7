import { describe, expect, it } from "vitest";
import { isTimestamp, plainStringSurvives, resolvePlainScalar } from "../../../src/base/yaml-scalars.ts";

describe("resolvePlainScalar (go-yaml v2's resolve)", () => {
  it.each([
    ["yes", "bool", true],
    ["On", "bool", true],
    ["y", "bool", true],
    ["NO", "bool", false],
    ["off", "bool", false],
    ["True", "bool", true],
    ["tRue", "str", "tRue"],
    ["~", "null", null],
    ["", "null", null],
    ["Null", "null", null],
    ["0755", "int", 493],
    ["0x1F", "int", 31],
    ["0o17", "int", 15],
    ["0b101", "int", 5],
    ["-0b101", "int", -5],
    ["1_000", "int", 1000],
    ["+12", "int", 12],
    ["08", "float", 8],
    ["1e3", "float", 1000],
    [".5", "float", 0.5],
    ["-1.5", "float", -1.5],
    [".inf", "float", Number.POSITIVE_INFINITY],
    ["-.Inf", "float", Number.NEGATIVE_INFINITY],
    ["1e400", "str", "1e400"],
    ["1.5Gi", "str", "1.5Gi"],
    ["2001-12-14", "timestamp", "2001-12-14"],
    ["2001-12-14T21:59:43.10Z", "timestamp", "2001-12-14T21:59:43.10Z"],
    ["2001-12-14 21:59:43", "timestamp", "2001-12-14 21:59:43"],
    ["2024-02-30", "str", "2024-02-30"],
    ["<<", "merge", "<<"],
    ["1:20", "str", "1:20"],
    ["-", "str", "-"],
    ["0x", "str", "0x"],
    ["9223372036854775807", "int", 9223372036854775807],
    ["18446744073709551615", "int", 18446744073709551615],
    ["18446744073709551616", "float", 18446744073709551616],
  ] as const)("%s is %s", (text, tag, value) => {
    const r = resolvePlainScalar(text);
    expect(r.tag).toBe(tag);
    if (typeof value === "number" && Number.isNaN(value)) expect(Number.isNaN(r.value)).toBe(true);
    else expect(r.value).toEqual(value);
  });

  it("reads .nan as NaN", () => {
    expect(Number.isNaN(resolvePlainScalar(".NaN").value)).toBe(true);
  });

  it("quotes base-60 floats and anything that reads back as another type", () => {
    expect(plainStringSurvives("1:20")).toBe(false);
    expect(plainStringSurvives("190:20:30.15")).toBe(false);
    expect(plainStringSurvives("no")).toBe(false);
    expect(plainStringSurvives("2001-12-14")).toBe(false);
    expect(plainStringSurvives("nginx:1.27")).toBe(true);
    expect(plainStringSurvives("500m")).toBe(true);
  });

  it("timestamps follow Go's time.Parse ranges", () => {
    expect(isTimestamp("2024-02-29")).toBe(true);
    expect(isTimestamp("2023-02-29")).toBe(false);
    expect(isTimestamp("2000-02-29")).toBe(true);
    expect(isTimestamp("1900-02-29")).toBe(false);
    expect(isTimestamp("2024-1-2T3:4:5Z")).toBe(true);
    expect(isTimestamp("2024-01-02T24:00:00Z")).toBe(false);
    expect(isTimestamp("2024-01-02 10:00:00Z")).toBe(false);
    expect(isTimestamp("2024-01-02T10:00:00")).toBe(false);
    expect(isTimestamp("2024-01-02t10:00:00+05:30")).toBe(true);
  });
});
