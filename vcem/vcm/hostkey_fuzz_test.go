package vcm

import "testing"

// FuzzParseFingerprint: ParseFingerprint never panics and accepts only
// what it returns unchanged when given it again.
func FuzzParseFingerprint(f *testing.F) {
	for _, s := range []string{
		"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
		"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF",
		"sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
		"MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fp, err := ParseFingerprint(s)
		if err != nil {
			return
		}
		again, err := ParseFingerprint(fp)
		if err != nil || again != fp {
			t.Fatalf("ParseFingerprint(%q) = %q, then %q %v", s, fp, again, err)
		}
	})
}
