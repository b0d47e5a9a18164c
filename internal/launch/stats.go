package launch

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// Usage is a container's resource use as the engine reports it: the CPU
// time its processes used so far, and its memory now — the working set,
// as `docker stats` shows it (usage less the inactive file cache).
type Usage struct {
	CPUSeconds  float64
	MemoryBytes int64
}

// ContainerStats reads one sample of container id's resource use.
func ContainerStats(ctx context.Context, docker *testcontainers.DockerClient, id string) (Usage, error) {
	res, err := docker.ContainerStats(ctx, id, client.ContainerStatsOptions{Stream: false})
	if err != nil {
		return Usage{}, fmt.Errorf("container stats %.12s: %w", id, err)
	}
	defer res.Body.Close()
	var s struct {
		CPUStats struct {
			CPUUsage struct {
				TotalUsage uint64 `json:"total_usage"` // ns
			} `json:"cpu_usage"`
		} `json:"cpu_stats"`
		MemoryStats struct {
			Usage uint64            `json:"usage"`
			Stats map[string]uint64 `json:"stats"`
		} `json:"memory_stats"`
	}
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		return Usage{}, fmt.Errorf("container stats %.12s: %w", id, err)
	}
	mem := s.MemoryStats.Usage
	inactive := s.MemoryStats.Stats["inactive_file"]             // cgroup v2
	if v, ok := s.MemoryStats.Stats["total_inactive_file"]; ok { // cgroup v1
		inactive = v
	}
	if inactive < mem {
		mem -= inactive
	}
	return Usage{CPUSeconds: float64(s.CPUStats.CPUUsage.TotalUsage) / 1e9, MemoryBytes: int64(mem)}, nil
}
