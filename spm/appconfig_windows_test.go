//go:build windows

package spm_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mxsync-go/mxsync/spm"
)

func TestConfigPathWindows(t *testing.T) {
	tests := []struct{ in, want string }{
		{`C:\Program Files\HP\Matrix infrastructure orchestration\SPM`, `C:\Program Files\HP\Matrix infrastructure orchestration\SPM\state\ApplicationConfig.xml`},
		{`D:\SPM\`, `D:\SPM\state\ApplicationConfig.xml`},
		{`\\cms01\c$\SPM`, `\\cms01\c$\SPM\state\ApplicationConfig.xml`},
		{`C:/SPM`, `C:\SPM\state\ApplicationConfig.xml`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) { assert.Equal(t, tt.want, spm.ConfigPath(tt.in)) })
	}
}
