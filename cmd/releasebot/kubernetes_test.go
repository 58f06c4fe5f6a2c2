package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"releasebot/app"
	"releasebot/bot"
	"releasebot/config"
	"releasebot/integrations/console"
)

const k8sDir = "../../deploy/kubernetes"

type k8sContainerPort struct {
	Name          string `yaml:"name"`
	ContainerPort int    `yaml:"containerPort"`
}

type k8sProbe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

type k8sDeployment struct {
	Kind string `yaml:"kind"`
	Spec struct {
		Replicas int `yaml:"replicas"`
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata struct {
				Labels      map[string]string `yaml:"labels"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"metadata"`
			Spec struct {
				SecurityContext struct {
					RunAsNonRoot bool `yaml:"runAsNonRoot"`
					RunAsUser    int  `yaml:"runAsUser"`
				} `yaml:"securityContext"`
				Containers []struct {
					Image   string                  `yaml:"image"`
					Args    []string                `yaml:"args"`
					Ports   []k8sContainerPort      `yaml:"ports"`
					Env     []struct{ Name string } `yaml:"env"`
					EnvFrom []struct {
						SecretRef struct{ Name string } `yaml:"secretRef"`
					} `yaml:"envFrom"`
					LivenessProbe  k8sProbe `yaml:"livenessProbe"`
					ReadinessProbe k8sProbe `yaml:"readinessProbe"`
					Resources      struct {
						Requests map[string]string `yaml:"requests"`
						Limits   map[string]string `yaml:"limits"`
					} `yaml:"resources"`
					VolumeMounts []struct {
						Name      string `yaml:"name"`
						MountPath string `yaml:"mountPath"`
					} `yaml:"volumeMounts"`
				} `yaml:"containers"`
				Volumes []struct {
					Name      string                `yaml:"name"`
					ConfigMap struct{ Name string } `yaml:"configMap"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type k8sKustomization struct {
	Resources          []string `yaml:"resources"`
	ConfigMapGenerator []struct {
		Name  string   `yaml:"name"`
		Files []string `yaml:"files"`
	} `yaml:"configMapGenerator"`
	SecretGenerator []struct {
		Name string   `yaml:"name"`
		Envs []string `yaml:"envs"`
	} `yaml:"secretGenerator"`
	Images []struct {
		Name string `yaml:"name"`
	} `yaml:"images"`
}

func readYAML(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(k8sDir, name))
	require.NoError(t, err)
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(false)
	require.NoError(t, dec.Decode(v), name)
}

// TestKubernetesManifests checks deploy/kubernetes against the binary:
// the flags its container passes parse with serve's own flags, the
// variables it sets are ones serve reads, the secret keys are the
// secrets the bot reads, the probes and the scrape path are routes the
// app serves, and the user is the image's.
func TestKubernetesManifests(t *testing.T) {
	var k k8sKustomization
	readYAML(t, "kustomization.yaml", &k)
	require.ElementsMatch(t, []string{"deployment.yaml", "service.yaml", "pdb.yaml"}, k.Resources)
	var d k8sDeployment
	readYAML(t, "deployment.yaml", &d)
	require.Equal(t, "Deployment", d.Kind)
	require.Equal(t, 2, d.Spec.Replicas)
	labels := d.Spec.Selector.MatchLabels
	require.NotEmpty(t, labels)
	require.Equal(t, labels, d.Spec.Template.Metadata.Labels)
	var svc struct {
		Spec struct {
			Selector map[string]string `yaml:"selector"`
			Ports    []struct {
				TargetPort string `yaml:"targetPort"`
			} `yaml:"ports"`
		} `yaml:"spec"`
	}
	readYAML(t, "service.yaml", &svc)
	require.Equal(t, labels, svc.Spec.Selector)
	var pdb struct {
		Kind string `yaml:"kind"`
		Spec struct {
			MinAvailable int `yaml:"minAvailable"`
			Selector     struct {
				MatchLabels map[string]string `yaml:"matchLabels"`
			} `yaml:"selector"`
		} `yaml:"spec"`
	}
	readYAML(t, "pdb.yaml", &pdb)
	require.Equal(t, "PodDisruptionBudget", pdb.Kind)
	require.Equal(t, labels, pdb.Spec.Selector.MatchLabels)
	require.Equal(t, 1, pdb.Spec.MinAvailable, "a drain keeps one of the two replicas")

	pod := d.Spec.Template.Spec
	require.Len(t, pod.Containers, 1)
	c := pod.Containers[0]
	require.Len(t, k.Images, 1)
	require.Equal(t, k.Images[0].Name, c.Image, "kustomize's images: sets the container's image")

	// The arguments are serve's, and parse with its flags.
	require.Equal(t, "serve", c.Args[0])
	fs := newFlags("serve", io.Discard)
	f := declareServe(fs)
	require.NoError(t, fs.Parse(c.Args[1:]))
	require.Empty(t, fs.Args())
	_, port, err := net.SplitHostPort(*f.listen)
	require.NoError(t, err)
	require.Len(t, c.Ports, 1)
	require.Equal(t, port, itoaPort(c.Ports[0].ContainerPort), "the container port is --listen's")
	require.Equal(t, "http", c.Ports[0].Name)
	require.Equal(t, "http", svc.Spec.Ports[0].TargetPort)
	require.Equal(t, "http", c.LivenessProbe.HTTPGet.Port)
	require.Equal(t, "http", c.ReadinessProbe.HTTPGet.Port)
	require.Equal(t, port, d.Spec.Template.Metadata.Annotations["prometheus.io/port"])

	// The config file is where the ConfigMap is mounted, under its file name.
	require.Len(t, k.ConfigMapGenerator, 1)
	cm := k.ConfigMapGenerator[0]
	mounted := ""
	for _, v := range pod.Volumes {
		if v.ConfigMap.Name == cm.Name {
			for _, m := range c.VolumeMounts {
				if m.Name == v.Name {
					mounted = m.MountPath
				}
			}
		}
	}
	require.Equal(t, path.Dir(*f.config), mounted)
	require.Equal(t, []string{path.Base(*f.config)}, cm.Files)
	_, err = config.Load(filepath.Join(k8sDir, cm.Files[0]))
	require.NoError(t, err, "the shipped config is valid")

	// Variables: every one set is one serve reads; the Secret's keys are
	// the bot's secrets (and REDIS_URL, which may hold a password).
	serve, _ := lookupSubcommand("serve")
	for _, e := range c.Env {
		require.Contains(t, serve.env, e.Name)
		require.NotContains(t, app.SecretVars, e.Name, "%s is a secret: it belongs in the Secret", e.Name)
	}
	require.Len(t, k.SecretGenerator, 1)
	require.Equal(t, k.SecretGenerator[0].Name, c.EnvFrom[0].SecretRef.Name)
	require.Equal(t, []string{"secrets.env"}, k.SecretGenerator[0].Envs)
	keys := envKeys(t, filepath.Join(k8sDir, "secrets.env.example"))
	require.NotEmpty(t, keys)
	for _, key := range keys {
		require.Contains(t, serve.env, key)
		require.True(t, key == "REDIS_URL" || slices.Contains(app.SecretVars, key), "%s in the Secret is not a secret", key)
	}
	b, err := os.ReadFile("../../.gitignore")
	require.NoError(t, err)
	require.Contains(t, string(b), "secrets.env\n", "the filled-in secrets are never committed")

	// Non-root, as the image's user.
	require.True(t, pod.SecurityContext.RunAsNonRoot)
	dockerfile, err := os.ReadFile("../../Dockerfile")
	require.NoError(t, err)
	uid := regexp.MustCompile(`--uid (\d+)`).FindSubmatch(dockerfile)
	require.NotNil(t, uid)
	require.Equal(t, string(uid[1]), itoaPort(pod.SecurityContext.RunAsUser))
	require.NotEmpty(t, c.Resources.Requests["memory"])
	require.NotEmpty(t, c.Resources.Limits["memory"])

	// The probes and the scrape path are routes the app serves.
	cfg, err := config.Load("../../config.example.yaml")
	require.NoError(t, err)
	a, err := app.New(context.Background(), app.Options{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Getenv: func(string) string { return "" }, Notifier: func(console.Renderer) bot.Notifier { return console.Notifier{Out: console.NewOut(io.Discard)} }})
	require.NoError(t, err)
	defer a.Close()
	mux := http.NewServeMux()
	a.Routes(mux)
	for _, p := range []string{c.LivenessProbe.HTTPGet.Path, c.ReadinessProbe.HTTPGet.Path, d.Spec.Template.Metadata.Annotations["prometheus.io/path"]} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		require.Equal(t, http.StatusOK, rec.Code, p)
	}
	require.Equal(t, "/livez", c.LivenessProbe.HTTPGet.Path, "liveness must not depend on Redis")
	require.Equal(t, "/readyz", c.ReadinessProbe.HTTPGet.Path)

	// The shipped config is the documented example.
	example, err := os.ReadFile("../../config.example.yaml")
	require.NoError(t, err)
	shipped, err := os.ReadFile(filepath.Join(k8sDir, "config.yaml"))
	require.NoError(t, err)
	require.Equal(t, string(example), string(shipped), "deploy/kubernetes/config.yaml is a copy of config.example.yaml")
}

func envKeys(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	var keys []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, _, ok := strings.Cut(line, "=")
		require.True(t, ok, line)
		keys = append(keys, k)
	}
	return keys
}

func itoaPort(n int) string { return strconv.Itoa(n) }
