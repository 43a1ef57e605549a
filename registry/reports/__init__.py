"""Reports from the public about marks and certificates: forged marks, marks shown by the wrong business."""
