package org.invitations.console;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import org.invitations.worker.PartitionView;

/**
 * The Workers page: every worker process known, alive or not, where it sends and what it
 * sends now. The same call as the API's {@code /api/v1/workers}.
 */
@Controller
@ConditionalOnWebApplication
class WorkersController {

	private static final String VIEW = "workers/workers";

	private final PartitionView partitions;

	WorkersController(PartitionView partitions) {
		this.partitions = partitions;
	}

	@GetMapping("/workers")
	String workers(Model model) {
		List<PartitionView.Worker> workers = partitions.workers();
		model.addAttribute("workers", workers);
		model.addAttribute("refresh", workers.stream().anyMatch(w -> w.partition() != null));
		return VIEW;
	}

}
