package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// startNoise starts what a condition needs: nothing for "quiet"; for "noisy", a competing
// process (this program again, with -burn) that burns a core in random bursts. The returned
// function stops it.
func startNoise(cond string) (stop func(), err error) {
	switch cond {
	case "quiet":
		return func() {}, nil
	case "noisy":
	default:
		return nil, fmt.Errorf("condition %q: expected quiet or noisy", cond)
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "-burn", strconv.FormatUint(uint64(time.Now().UnixNano())|1, 10))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return func() {
		cmd.Process.Kill()
		cmd.Wait()
	}, nil
}

// maxBurn bounds the competing process: it stops by itself after this long.
const maxBurn = 2 * time.Hour

// burnCPU burns one core in bursts of 0.2–2 s, with 0.5–3 s between them, until maxBurn.
func burnCPU(seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	end := time.Now().Add(maxBurn)
	x := uint64(1)
	for time.Now().Before(end) {
		on := time.Duration(200+rng.IntN(1800)) * time.Millisecond
		for until := time.Now().Add(on); time.Now().Before(until); {
			for range 1 << 16 {
				x = x*6364136223846793005 + 1442695040888963407
			}
		}
		time.Sleep(time.Duration(500+rng.IntN(2500)) * time.Millisecond)
	}
	if x == 0 {
		fmt.Println(x) // keeps the loop from being optimized away
	}
}
