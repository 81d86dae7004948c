package main

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync"
)

// prompter answers typed lines from a pipe (the keyboard, in a test).
func prompter(t *testing.T, typed string) (*terminalPrompter, *bytes.Buffer) {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	_, err = w.WriteString(typed)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	t.Cleanup(func() { r.Close() })
	var out bytes.Buffer
	return newTerminalPrompter(r, &out), &out
}

func TestTerminalPrompterConfirm(t *testing.T) {
	ctx := context.Background()
	p, out := prompter(t, "maybe\ny\nn\na\n")
	q := resync.Question{Kind: resync.AskManual, ID: "manual:X:y", Text: "re-enter the users"}
	ok, err := p.Confirm(ctx, q)
	require.NoError(t, err)
	assert.True(t, ok, "an unclear answer is asked again; then y")
	ok, err = p.Confirm(ctx, q)
	require.NoError(t, err)
	assert.False(t, ok)
	ok, err = p.Confirm(ctx, q)
	require.NoError(t, err)
	assert.True(t, ok, "a")
	ok, err = p.Confirm(ctx, q)
	require.NoError(t, err)
	assert.True(t, ok, "after a, the same kind is not asked again")
	assert.Contains(t, out.String(), "re-enter the users")
	_, err = p.Confirm(ctx, resync.Question{Kind: resync.AskProceed, ID: "proceed:x"})
	assert.ErrorIs(t, err, errAborted, "end of input aborts")
}

func TestTerminalPrompterDeletedServices(t *testing.T) {
	p, out := prompter(t, "web, nope\nweb, db\n")
	got, err := p.DeletedServices(context.Background(), resync.Question{Kind: resync.AskDeletedServices, Services: []string{"db", "shop", "web"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"web", "db"}, got)
	assert.Contains(t, out.String(), `"nope" is not a restored IO service`)
}
