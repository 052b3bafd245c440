package model

import "testing"

func TestExposureReach(t *testing.T) {
	order := []Exposure{ExposurePhysical, ExposureProximity, ExposureHomeNetwork, ExposureInternet}
	for i := 1; i < len(order); i++ {
		if order[i-1].Reach() >= order[i].Reach() {
			t.Errorf("%s reaches as far as %s", order[i-1], order[i])
		}
	}
	if ExposureHospitalNetwork.Reach() != ExposureHomeNetwork.Reach() || Exposure("").Reach() != 0 {
		t.Error("the two networks differ, or an unknown exposure reaches")
	}
	for _, v := range Exposure("").Values() {
		if Exposure(v).Reach() == 0 {
			t.Errorf("%s has no reach", v)
		}
	}
}
