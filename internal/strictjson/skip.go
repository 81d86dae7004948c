package strictjson

import "unicode/utf8"

// SkipValue returns the end of the JSON value at data[start:] (no leading
// white space), checking its syntax only: strings, escapes and UTF-8,
// numbers, literals, nesting up to MaxDepth counted from the value. ok is
// false when the value is not well formed. A decoder uses it to find a
// large value's end and hand the value to another goroutine.
func SkipValue(data []byte, start int) (end int, ok bool) { return skipSyntax(data, start) }

// skipSyntax finds the end of the JSON value at data[start:] (no leading
// white space) without recording anything: it checks the syntax only
// (strings, escapes and UTF-8, numbers, literals, nesting up to MaxDepth
// counted from this value), as fast as it can. ok is false when the value
// is not well formed; the walk then lets the value's own decoder report
// why.
func skipSyntax(data []byte, start int) (end int, ok bool) {
	var stack [MaxDepth]byte // '{' or '[' per open container
	depth := 0
	p := start
	for {
		// A value at p.
		p = skipWS(data, p)
		if p >= len(data) {
			return p, false
		}
		switch c := data[p]; c {
		case '{', '[':
			if depth == MaxDepth {
				return p, false
			}
			stack[depth] = c
			depth++
			p = skipWS(data, p+1)
			if p >= len(data) {
				return p, false
			}
			if c == '{' {
				if data[p] == '}' {
					depth--
					p++
					goto after
				}
				if p, ok = skipKey(data, p); !ok {
					return p, false
				}
			} else if data[p] == ']' {
				depth--
				p++
				goto after
			}
			continue
		case '"':
			if p, ok = skipString(data, p); !ok {
				return p, false
			}
		case 't':
			if p, ok = skipLiteral(data, p, "true"); !ok {
				return p, false
			}
		case 'f':
			if p, ok = skipLiteral(data, p, "false"); !ok {
				return p, false
			}
		case 'n':
			if p, ok = skipLiteral(data, p, "null"); !ok {
				return p, false
			}
		default:
			if p, ok = SkipNumber(data, p); !ok {
				return p, false
			}
		}
	after:
		// After a value: close containers, or a comma and the next one.
		for {
			if depth == 0 {
				return p, true
			}
			p = skipWS(data, p)
			if p >= len(data) {
				return p, false
			}
			c := data[p]
			open := stack[depth-1]
			switch {
			case c == ',':
				p++
				if open == '{' {
					p = skipWS(data, p)
					if p, ok = skipKey(data, p); !ok {
						return p, false
					}
				}
			case c == '}' && open == '{', c == ']' && open == '[':
				depth--
				p++
				continue
			default:
				return p, false
			}
			break
		}
	}
}

func skipWS(data []byte, p int) int {
	for p < len(data) {
		switch data[p] {
		case ' ', '\t', '\n', '\r':
			p++
		default:
			return p
		}
	}
	return p
}

// skipKey skips an object key and its colon.
func skipKey(data []byte, p int) (int, bool) {
	if p >= len(data) || data[p] != '"' {
		return p, false
	}
	p, ok := skipString(data, p)
	if !ok {
		return p, false
	}
	p = skipWS(data, p)
	if p >= len(data) || data[p] != ':' {
		return p, false
	}
	return p + 1, true
}

// skipString skips the string at data[p] ('"').
func skipString(data []byte, p int) (int, bool) {
	p++
	ascii := true
	start := p
	for {
		if p = PlainRun(data, p); p >= len(data) {
			break
		}
		c := data[p]
		switch {
		case c == '"':
			if !ascii && !utf8.Valid(data[start:p]) {
				return p, false
			}
			return p + 1, true
		case c == '\\':
			if p+1 >= len(data) {
				return p, false
			}
			switch data[p+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p += 2
			case 'u':
				if p+6 > len(data) {
					return p, false
				}
				for _, h := range data[p+2 : p+6] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return p, false
					}
				}
				p += 6
			default:
				return p, false
			}
			continue
		case c < 0x20:
			return p, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
		p++
	}
	return p, false
}

func skipLiteral(data []byte, p int, lit string) (int, bool) {
	if len(data)-p < len(lit) || string(data[p:p+len(lit)]) != lit {
		return p, false
	}
	return p + len(lit), true
}

// SkipNumber returns the end of the JSON number that starts at data[p],
// and false when the text there is not one by JSON's grammar (leading
// zeros, a bare '-', a '.' or exponent without digits): one grammar for
// every hand-written decoder of the module.
func SkipNumber(data []byte, p int) (int, bool) {
	digits := func() bool {
		q := p
		for p < len(data) && data[p] >= '0' && data[p] <= '9' {
			p++
		}
		return p > q
	}
	if p < len(data) && data[p] == '-' {
		p++
	}
	switch {
	case p < len(data) && data[p] == '0':
		p++
	case !digits():
		return p, false
	}
	if p < len(data) && data[p] == '.' {
		p++
		if !digits() {
			return p, false
		}
	}
	if p < len(data) && (data[p] == 'e' || data[p] == 'E') {
		p++
		if p < len(data) && (data[p] == '+' || data[p] == '-') {
			p++
		}
		if !digits() {
			return p, false
		}
	}
	return p, true
}
