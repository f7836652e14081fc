package qcowdesk.engine.device;

import java.util.List;
import java.util.Optional;

/** Read access to the attached devices, as the NBD bridge needs it (export lookup and listing). */
public interface DeviceDirectory {

    Optional<Device> find(String unit);

    /** All attached devices, ordered by unit name. */
    List<Device> devices();
}
