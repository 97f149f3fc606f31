package io.reconcile.core;

import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.store.RepairAction;
import io.reconcile.testkit.RepairPlanContract;
import java.util.List;
import net.jqwik.api.PropertyDefaults;

/** The engine's plans keep the repair-plan laws: conditional, complete, and idempotent. */
@PropertyDefaults(tries = 300)
class PlannerContractTest implements RepairPlanContract {

  @Override
  public List<RepairAction> plan(Divergence divergence, Resolution resolution) {
    return Planner.plan(divergence, resolution);
  }
}
