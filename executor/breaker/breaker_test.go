package breaker

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closedURL is the URL of a port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	url := "http://" + l.Addr().String()
	require.NoError(t, l.Close())
	return url
}

func get(t *testing.T, c *http.Client, url string) error {
	t.Helper()
	resp, err := c.Get(url)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

func TestOpensAfterConsecutiveFailures(t *testing.T) {
	b := New("the Prefect API", WithThreshold(3))
	c := &http.Client{Transport: b.Transport(nil)}
	down := closedURL(t)
	for i := range 3 {
		err := get(t, c, down+"/api/flows")
		require.Error(t, err)
		assert.Equal(t, i == 2, errors.Is(b.Err(), ErrOpen), "after %d failures", i+1)
	}
	select {
	case <-b.Done():
	default:
		t.Fatal("Done is not closed")
	}
	start := time.Now()
	err := get(t, c, down+"/api/deployments")
	assert.Less(t, time.Since(start), 50*time.Millisecond, "refused at once")
	require.ErrorIs(t, err, ErrOpen)
	var open *OpenError
	require.ErrorAs(t, err, &open)
	assert.Equal(t, down, open.Endpoint)
	assert.Contains(t, err.Error(), "the Prefect API at "+down+" is down: 3 connection failures in a row")
	assert.Contains(t, err.Error(), "connection refused")
}

func TestAnAnswerResetsTheCount(t *testing.T) {
	var status atomic.Int32
	status.Store(http.StatusServiceUnavailable)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	b := New("AWS", WithThreshold(3))
	c := &http.Client{Transport: b.Transport(nil)}
	for range 2 {
		require.NoError(t, get(t, c, srv.URL))
	}
	status.Store(http.StatusNotFound) // an answer of the service itself
	require.NoError(t, get(t, c, srv.URL))
	status.Store(http.StatusBadGateway)
	for range 2 {
		require.NoError(t, get(t, c, srv.URL))
	}
	assert.NoError(t, b.Err(), "never 3 in a row")
	require.NoError(t, get(t, c, srv.URL))
	assert.ErrorContains(t, b.Err(), "AWS at "+srv.URL+" is down: 3 connection failures in a row")
	assert.ErrorContains(t, b.Err(), "HTTP 502 Bad Gateway")
}

func TestOpensWhenTheFailuresLastTheWindow(t *testing.T) {
	now := time.Unix(1000, 0)
	b := New("the Prefect API", WithWindow(30*time.Second), WithClock(func() time.Time { return now }))
	c := &http.Client{Transport: b.Transport(nil)}
	down := closedURL(t)
	require.Error(t, get(t, c, down))
	assert.NoError(t, b.Err())
	now = now.Add(31 * time.Second)
	require.Error(t, get(t, c, down))
	assert.ErrorContains(t, b.Err(), "2 connection failures in a row over 31s")
}

func TestHostsAreTrackedApart(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	b := New("AWS", WithThreshold(2))
	c := &http.Client{Transport: b.Transport(nil)}
	down := closedURL(t)
	require.Error(t, get(t, c, down))
	require.NoError(t, get(t, c, srv.URL), "another host's answer")
	require.Error(t, get(t, c, down))
	assert.ErrorContains(t, b.Err(), "AWS at "+down+" is down: 2 connection failures")
}

func TestCallerCancellationIsNoFailure(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	b := New("the Prefect API", WithThreshold(1))
	c := &http.Client{Transport: b.Transport(nil)}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	_, err = c.Do(req)
	require.Error(t, err)
	assert.NoError(t, b.Err())
}

func TestSleepWakesWhenItOpens(t *testing.T) {
	b := New("the Prefect API", WithThreshold(1))
	c := &http.Client{Transport: b.Transport(nil)}
	done := make(chan error)
	go func() { done <- b.Sleep(context.Background(), time.Minute) }()
	time.Sleep(10 * time.Millisecond)
	require.Error(t, get(t, c, closedURL(t)))
	select {
	case err := <-done:
		assert.ErrorIs(t, err, ErrOpen)
	case <-time.After(5 * time.Second):
		t.Fatal("Sleep did not wake")
	}
}
