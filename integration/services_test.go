//go:build integration

package integration

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// service is one long-running program the tests need, started in its own
// process group so that stopping it stops its children too (dockerd starts
// containerd and its shims).
type service struct {
	name string
	args []string
	log  string // file holding the program's output
	// stopSignal is sent first when stopping; SIGKILL follows after the
	// grace period.
	stopSignal syscall.Signal

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when the current process has exited
	err  error         // how it exited
}

// start runs the program. Its output goes to s.log (appended, so a restart
// keeps the earlier lines). If the tests' process dies without stopping
// it, the kernel sends it stopSignal (Pdeathsig).
func (s *service) start() error {
	out, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	cmd := exec.Command(s.args[0], s.args[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: s.stopSignal}
	if err := cmd.Start(); err != nil {
		out.Close()
		return fmt.Errorf("starting %s (%s): %w", s.name, strings.Join(s.args, " "), err)
	}
	done := make(chan struct{})
	s.mu.Lock()
	s.cmd, s.done, s.err = cmd, done, nil
	s.mu.Unlock()
	go func() {
		err := cmd.Wait()
		out.Close()
		s.mu.Lock()
		s.err = err
		s.mu.Unlock()
		close(done)
	}()
	return nil
}

// exited reports whether the current process has ended, and how.
func (s *service) exited() (bool, error) {
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	select {
	case <-done:
		s.mu.Lock()
		defer s.mu.Unlock()
		return true, s.err
	default:
		return false, nil
	}
}

// stop sends stopSignal to the process group, waits up to grace, then
// kills the group. It is safe to call on a stopped service.
func (s *service) stop(grace time.Duration) {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	select {
	case <-done:
		return
	default:
	}
	_ = syscall.Kill(-cmd.Process.Pid, s.stopSignal)
	select {
	case <-done:
	case <-time.After(grace):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

// tail returns the last n lines of the service's output, for errors.
func (s *service) tail(n int) string {
	f, err := os.Open(s.log)
	if err != nil {
		return "(no output: " + err.Error() + ")"
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	if len(lines) == 0 {
		return "(no output)"
	}
	return "\n    " + strings.Join(lines, "\n    ")
}

// waitReady polls ready until it succeeds, the process exits or timeout
// passes; the error names the service and shows its last output.
func (s *service) waitReady(ctx context.Context, timeout time.Duration, ready func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last error
	for {
		if gone, err := s.exited(); gone {
			return fmt.Errorf("%s exited while starting (%v); its output:%s", s.name, err, s.tail(15))
		}
		if last = ready(ctx); last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s was not ready within %s (%v); its output:%s", s.name, timeout, last, s.tail(15))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// freePort asks the kernel for a free loopback port. Another process may
// take it before the service binds it; the service then fails to start
// and says so.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// program finds an executable, or says which package provides it.
func program(name, pkg string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("MISSING %s: %s is not installed (Debian package %s: apt-get install %s; .ci/run installs it)", name, name, pkg, pkg)
	}
	return p, nil
}

// dockerEngine is dockerd with its own data root, exec root and socket
// under dir, on no network bridge and without touching iptables, so that
// it coexists with any other engine on the machine.
type dockerEngine struct {
	*service
	dir    string
	socket string
	cli    string // the docker client of the same package
}

func newDockerEngine(dir string) (*dockerEngine, error) {
	dockerd, err := program("dockerd", "docker.io")
	if err != nil {
		return nil, err
	}
	cli, err := dockerClient(dockerd)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	config := filepath.Join(dir, "daemon.json")
	if err := os.WriteFile(config, []byte("{}\n"), 0o644); err != nil {
		return nil, err
	}
	socket := filepath.Join(dir, "docker.sock")
	return &dockerEngine{
		service: &service{
			name: "dockerd",
			args: []string{dockerd,
				"--data-root", filepath.Join(dir, "data"),
				"--exec-root", filepath.Join(dir, "exec"),
				"--pidfile", filepath.Join(dir, "dockerd.pid"),
				"--host", "unix://" + socket,
				"--config-file", config, // not /etc/docker/daemon.json
				"--containerd-namespace", "flowplan-it",
				"--containerd-plugins-namespace", "flowplan-it-plugins",
				"--bridge", "none", "--iptables=false", "--ip6tables=false", "--ip-masq=false",
				"--shutdown-timeout", "2",
			},
			log:        filepath.Join(dir, "dockerd.log"),
			stopSignal: syscall.SIGTERM, // dockerd stops its containerd on SIGTERM
		},
		dir: dir, socket: socket, cli: cli,
	}, nil
}

// dockerClient finds the docker client installed with dockerd (Debian's
// docker.io puts dockerd in /usr/sbin and docker in /usr/bin), falling
// back to the first docker on PATH.
func dockerClient(dockerd string) (string, error) {
	for _, dir := range []string{filepath.Dir(dockerd), filepath.Join(filepath.Dir(dockerd), "..", "bin"), "/usr/bin"} {
		p := filepath.Join(dir, "docker")
		if info, err := os.Stat(p); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
			return filepath.Clean(p), nil
		}
	}
	return program("docker", "docker.io")
}

// ping is ready when the engine answers GET /_ping on its socket.
func (d *dockerEngine) ping(ctx context.Context) error {
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var dialer net.Dialer
			return dialer.DialContext(ctx, "unix", d.socket)
		},
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker/_ping", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /_ping: %s", resp.Status)
	}
	return nil
}

// run starts the engine and waits until it answers.
func (d *dockerEngine) run(ctx context.Context) error {
	if err := d.start(); err != nil {
		return err
	}
	if err := d.waitReady(ctx, 60*time.Second, d.ping); err != nil {
		d.stop(10 * time.Second)
		return fmt.Errorf("the Docker engine did not start (dockerd runs as root here): %w", err)
	}
	return nil
}

// env is the environment that points the docker client at this engine.
func (d *dockerEngine) env() []string {
	return []string{"DOCKER_HOST=unix://" + d.socket}
}

// distribution is the CNCF Distribution registry (Debian's docker-registry)
// on a loopback port, with its storage under dir and HTTP Basic
// authentication from an htpasswd file.
type distribution struct {
	*service
	host     string // 127.0.0.1:port
	user     string
	password string
}

// The registry's one user. Distribution reads only bcrypt hashes from an
// htpasswd file, and neither the standard library nor this module's
// dependencies make one, so the hash of this throwaway loopback password
// was made once, with Python's crypt module over the system's libxcrypt:
// crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)).
// TestRegistryRefusesAWrongPassword shows the registry checks it.
const (
	registryUser         = "flowplan-it"
	registryPassword     = "flowplan-it-registry-pw"
	registryPasswordHash = "$2b$04$PYE7iO34FzPqNtVdlap4yOPNaijMPAFpqPLi3YPqAGfQ7i63WZ0YK"
)

func newDistribution(dir string) (*distribution, error) {
	bin, err := program("docker-registry", "docker-registry")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	htpasswd := filepath.Join(dir, "htpasswd")
	if err := os.WriteFile(htpasswd, []byte(registryUser+":"+registryPasswordHash+"\n"), 0o600); err != nil {
		return nil, err
	}
	host := "127.0.0.1:" + strconv.Itoa(port)
	config := filepath.Join(dir, "config.yml")
	yml := fmt.Sprintf(`version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: %s
http:
  addr: %s
auth:
  htpasswd:
    realm: flowplan-it
    path: %s
`, filepath.Join(dir, "data"), host, htpasswd)
	if err := os.WriteFile(config, []byte(yml), 0o644); err != nil {
		return nil, err
	}
	return &distribution{
		service: &service{
			name:       "docker-registry",
			args:       []string{bin, "serve", config},
			log:        filepath.Join(dir, "registry.log"),
			stopSignal: syscall.SIGKILL,
		},
		host: host, user: registryUser, password: registryPassword,
	}, nil
}

// run starts the registry and waits until GET /v2/ asks for credentials.
func (r *distribution) run(ctx context.Context) error {
	if err := r.start(); err != nil {
		return err
	}
	err := r.waitReady(ctx, 30*time.Second, func(ctx context.Context) error {
		// Without credentials the registry answers 401: it is up, with auth.
		return probe(ctx, "http://"+r.host+"/v2/", http.StatusUnauthorized)
	})
	if err != nil {
		r.stop(5 * time.Second)
		return fmt.Errorf("the registry did not start: %w", err)
	}
	return nil
}

// motoServer is moto's standalone server on a loopback port.
type motoServer struct {
	*service
	url string
}

func newMoto(dir string) (*motoServer, error) {
	python, err := program("python3", "python3")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &motoServer{
		service: &service{
			name:       "moto.server",
			args:       []string{python, "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port)},
			log:        filepath.Join(dir, "moto.log"),
			stopSignal: syscall.SIGKILL,
		},
		url: "http://127.0.0.1:" + strconv.Itoa(port),
	}, nil
}

// run starts moto and waits until its dashboard answers.
func (m *motoServer) run(ctx context.Context) error {
	if err := m.start(); err != nil {
		return err
	}
	err := m.waitReady(ctx, 60*time.Second, func(ctx context.Context) error {
		return probe(ctx, m.url+"/moto-api/", http.StatusOK)
	})
	if err != nil {
		m.stop(5 * time.Second)
		return fmt.Errorf("moto did not start (it is installed with pip for python3: pip install 'moto[server]'): %w", err)
	}
	return nil
}

// reset forgets every AWS resource moto holds.
func (m *motoServer) reset(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.url+"/moto-api/reset", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("resetting moto: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("resetting moto: %s", resp.Status)
	}
	return nil
}

// unmountUnder detaches every mount below dir (what a killed dockerd may
// leave), deepest first, so that dir can be removed.
func unmountUnder(dir string) error {
	raw, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return err
	}
	var points []string
	for _, line := range strings.Split(string(raw), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 4 && strings.HasPrefix(fields[4], dir+"/") {
			points = append(points, fields[4])
		}
	}
	var errs []error
	for i := len(points) - 1; i >= 0; i-- {
		if err := syscall.Unmount(points[i], syscall.MNT_DETACH); err != nil && !errors.Is(err, syscall.EINVAL) {
			errs = append(errs, fmt.Errorf("unmounting %s: %w", points[i], err))
		}
	}
	return errors.Join(errs...)
}

// probe GETs url and wants the status want: how a service says it is up.
func probe(ctx context.Context, url string, want int) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("GET %s: %s, want %d", url, resp.Status, want)
	}
	return nil
}
