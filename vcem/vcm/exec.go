package vcm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/crypto/ssh"
)

// command is one CLI command. Writes says it changes the domain: such a
// command is never re-sent after a dropped connection, because the first
// attempt may have taken effect. Every command this adapter sends reads.
type command struct {
	text   string
	writes bool
}

// droppedError is a connection that failed under a command: the session
// could not be opened, or the connection closed before the command ended.
type droppedError struct {
	addr, command string
	err           error
}

func (e *droppedError) Error() string {
	return fmt.Sprintf("vcm: %s: %s: connection dropped: %v", e.addr, e.command, e.err)
}

func (e *droppedError) Unwrap() error { return e.err }

// OutputTooLargeError is an answer longer than the client's output limit
// ([WithMaxOutput], 64 MiB by default); reading stops there.
type OutputTooLargeError struct {
	Address, Command string
	Limit            int64
}

// Error names the command and the limit.
func (e *OutputTooLargeError) Error() string {
	return fmt.Sprintf("vcm: %s: %s: output exceeds %d bytes; not read further", e.Address, e.Command, e.Limit)
}

// maxStderr bounds what is kept of a command's standard error.
const maxStderr = 64 << 10

// probeTimeout bounds the keepalive that tells a closed session from a
// dropped connection.
const probeTimeout = 5 * time.Second

// execOnce runs one command in a new session of cl and returns its standard
// output and (a bounded prefix of) its standard error. The exit status is
// not used: the reference found none documented. When ctx ends first the
// session and the connection are closed (the connection is then unusable;
// the caller must drop it) and ctx's error is returned.
func execOnce(ctx context.Context, cl *ssh.Client, addr, cmd string, maxOut int64) (stdout, stderr []byte, err error) {
	sess, err := cl.NewSession()
	if err != nil {
		return nil, nil, &droppedError{addr, cmd, err}
	}
	defer sess.Close()
	outPipe, err := sess.StdoutPipe()
	if err != nil {
		return nil, nil, &droppedError{addr, cmd, err}
	}
	errPipe, err := sess.StderrPipe()
	if err != nil {
		return nil, nil, &droppedError{addr, cmd, err}
	}
	if err := sess.Start(cmd); err != nil {
		return nil, nil, &droppedError{addr, cmd, err}
	}
	type result struct {
		out, errOut []byte
		err         error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		errDone := make(chan []byte, 1)
		go func() {
			b, _ := io.ReadAll(io.LimitReader(errPipe, maxStderr))
			_, _ = io.Copy(io.Discard, errPipe)
			errDone <- b
		}()
		r.out, r.err = io.ReadAll(io.LimitReader(outPipe, maxOut+1))
		if r.err == nil && int64(len(r.out)) > maxOut {
			r.err = &OutputTooLargeError{Address: addr, Command: cmd, Limit: maxOut}
			_ = sess.Close()
		}
		r.errOut = <-errDone
		if r.err == nil {
			r.err = sess.Wait()
		}
		done <- r
	}()
	var r result
	select {
	case <-ctx.Done():
		_ = sess.Close()
		_ = cl.Close()
		<-done
		return nil, nil, ctx.Err()
	case r = <-done:
	}
	var exitErr *ssh.ExitError
	var missing *ssh.ExitMissingError
	var tooLarge *OutputTooLargeError
	switch {
	case r.err == nil, errors.As(r.err, &exitErr):
		return r.out, r.errOut, nil
	case errors.As(r.err, &tooLarge):
		return nil, nil, r.err
	case errors.As(r.err, &missing):
		// The channel closed without an exit status: a device that sends
		// none, or a connection that went away. Ask the connection.
		if alive(ctx, cl) {
			return r.out, r.errOut, nil
		}
		return nil, nil, &droppedError{addr, cmd, r.err}
	}
	return nil, nil, &droppedError{addr, cmd, r.err}
}

// alive sends a keepalive request and reports whether the connection
// answered (a refusal is an answer).
func alive(ctx context.Context, cl *ssh.Client) bool {
	ch := make(chan error, 1)
	go func() {
		_, _, err := cl.SendRequest("keepalive@openssh.com", true, nil)
		ch <- err
	}()
	t := time.NewTimer(probeTimeout)
	defer t.Stop()
	select {
	case err := <-ch:
		return err == nil
	case <-t.C:
	case <-ctx.Done():
	}
	_ = cl.Close()
	return false
}
